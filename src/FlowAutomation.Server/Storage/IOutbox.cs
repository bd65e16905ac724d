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

    ValueTask<OutboxEntry?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The entry a delivery or seen report refers to.</summary>
    ValueTask<OutboxEntry?> FindByProviderMessageIdAsync(string providerMessageId, CancellationToken cancellationToken = default);
}
