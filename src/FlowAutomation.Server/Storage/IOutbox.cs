namespace FlowAutomation.Server.Storage;

/// <summary>
/// Durable queue of allowed messages between the runtime (which enqueues) and the outbox dispatcher
/// (which claims, sends and marks). Every operation is idempotent by outbox id; a mark returns false when the
/// entry is unknown or no longer in flight, and changes nothing then.
/// </summary>
public interface IOutbox
{
    /// <summary>Queues the message; false (and no change) when an entry with its id exists.</summary>
    ValueTask<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="maxCount"/> entries due at <paramref name="now"/> (pending with
    /// <c>NextAttemptAt &lt;= now</c>, or in flight with an ended lease), oldest due first: each becomes
    /// <see cref="OutboxStatus.InFlight"/> until <c>now + lease</c>, with its attempt count raised by one. Per
    /// conversation only the oldest unfinished entry is claimable, so one customer's messages go out in the order
    /// they were enqueued (a later message waits while an earlier one is retried).
    /// </summary>
    ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default);

    ValueTask<bool> MarkSentAsync(string id, string? providerMessageId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Back to pending, due again at <paramref name="nextAttemptAt"/>; the reason is kept as the last error.</summary>
    ValueTask<bool> ScheduleRetryAsync(string id, DateTimeOffset nextAttemptAt, string reason, CancellationToken cancellationToken = default);

    ValueTask<bool> MarkFailedAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    ValueTask<bool> MarkExpiredAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the outcomes of several claimed entries at once (a dispatch pass's), each as its own mark would
    /// (<see cref="MarkSentAsync"/>, <see cref="ScheduleRetryAsync"/>, <see cref="MarkFailedAsync"/>,
    /// <see cref="MarkExpiredAsync"/>): an entry no longer in flight, or unknown, is left unchanged. Returns how many
    /// entries changed. A store may write them in one transaction; this default marks them one after the other.
    /// </summary>
    async ValueTask<int> RecordAsync(IReadOnlyList<OutboxOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var changed = 0;
        foreach (var outcome in outcomes)
        {
            var marked = outcome.Status switch
            {
                OutboxStatus.Sent => await MarkSentAsync(outcome.Id, outcome.ProviderMessageId, outcome.At, cancellationToken),
                OutboxStatus.Pending => await ScheduleRetryAsync(outcome.Id, outcome.At, outcome.Reason ?? "", cancellationToken),
                OutboxStatus.Failed => await MarkFailedAsync(outcome.Id, outcome.Reason ?? "", outcome.At, cancellationToken),
                OutboxStatus.Expired => await MarkExpiredAsync(outcome.Id, outcome.Reason ?? "", outcome.At, cancellationToken),
                _ => throw new ArgumentException($"{outcome.Status} is not an outcome", nameof(outcomes)),
            };
            changed += marked ? 1 : 0;
        }
        return changed;
    }

    ValueTask<OutboxEntry?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The entry a delivery or seen report refers to.</summary>
    ValueTask<OutboxEntry?> FindByProviderMessageIdAsync(string providerMessageId, CancellationToken cancellationToken = default);
}
