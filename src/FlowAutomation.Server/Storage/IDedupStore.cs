namespace FlowAutomation.Server.Storage;

/// <summary>
/// Remembers which webhook deliveries were already taken, by the record's dedup key, so a
/// provider's redelivery (delivery is at least once) is acknowledged and ignored.
/// </summary>
public interface IDedupStore
{
    /// <summary>Records the key; false when it was already recorded (a duplicate).</summary>
    ValueTask<bool> TryReserveAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Forgets a key whose hand-off failed, so the provider's retry is processed.</summary>
    ValueTask ReleaseAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Drops keys recorded before <paramref name="before"/>; returns how many.</summary>
    ValueTask<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
