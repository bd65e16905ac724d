using FlowAutomation.Runtime;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// The service's <see cref="IInboundSink"/>: a webhook's records are taken in one SQLite transaction — each dedup key
/// recorded, each new customer event (and each message a person sent from TikTok's app, which counts toward the
/// quota) written to the <c>inbox</c> table as <c>pending</c>, every other record written as <c>recorded</c> (delivery
/// and seen reports also marked on the outbox row they are about) — and only then acknowledged. Concurrent requests
/// share a transaction (group commit), on the writer the engine's commits and the outbox's transitions use too
/// (<see cref="SqliteDatabase.WriteSharedFirstAsync{T}"/>): the intake's writes are committed in a batch of their own,
/// taken ahead of the engine's and the outbox's queued before them (the two kinds take turns when both are queued), so
/// many lanes' commits do not hold up the webhooks' replies. Each record is written in a savepoint of its own, so one
/// that cannot be stored fails only its own request (503), never the others.
/// A record is a duplicate when its key is in <c>inbound_dedup</c> (recent keys, purged after
/// <c>Storage:DedupRetention</c>) or already in the inbox, whose rows stay: a redelivery is a duplicate whatever its age.
/// After the commit the new items go to the <see cref="InboxProcessor"/>; one that is taken but not yet processed
/// when the process dies is still <c>pending</c> and is processed on the next start.
/// </summary>
internal sealed class SqliteInbox(SqliteDatabase database, InboxProcessor processor, TimeProvider time, ILogger<SqliteInbox> logger) : IInboundSink, IAsyncDisposable
{
    private readonly IntakeBatcher _batcher = new(
        batch => database.WriteSharedFirstAsync((connection, transaction) => WriteBatchAsync(connection, transaction, batch, time.GetUtcNow(), logger), _ => true),
        items => items.ForEach(processor.Enqueue));

    public ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken = default) =>
        _batcher.AcceptAsync(records, cancellationToken);

    /// <summary>The items taken but not processed yet, oldest first.</summary>
    public static async Task<IReadOnlyList<InboxItem>> PendingAsync(SqliteDatabase database, CancellationToken cancellationToken) =>
        [.. (await SqliteInboxTable.PendingAsync(database, cancellationToken)).Select(r => InboxIntake.ItemOf(r.Seq, r.Kind, r.Payload))];

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    private static async Task<List<InboxItem>> WriteBatchAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<IntakeRequest> batch, DateTimeOffset now, ILogger logger)
    {
        var items = new List<InboxItem>();
        foreach (var pending in batch)
        {
            (pending.Accepted, pending.NotTaken) = (0, 0);
            foreach (var record in pending.Records)
            {
                // A savepoint per record: one that cannot be stored is undone alone. An error that ends the whole
                // transaction (the store is down) makes the savepoint's rollback throw, and the batch fails.
                InboxItem? item;
                bool taken;
                try
                {
                    (taken, item) = await SqliteIntake.TakeAsync(connection, transaction, record, now);
                }
                catch (Exception exception)
                {
                    await SqliteIntake.UndoAsync(transaction);
                    logger.InboxRecordRefused(exception, record.DedupKey);
                    pending.NotTaken++;
                    continue;
                }
                if (!taken)
                    continue;
                pending.Accepted++;
                if (item is not null)
                    items.Add(item);
            }
        }
        return items;
    }

    /// <summary>
    /// What the inbox keeps of a customer event: enough to run it after a restart, and both times — the provider's
    /// (<see cref="ProviderAt"/>) and ours (<see cref="ReceivedAt"/>); the event's own time is the one decisions use
    /// (bounded by the webhook stage). A lead without a TikTok conversation runs in a conversation named by its contact id
    /// (<c>lead:&lt;lead id&gt;</c>).
    /// </summary>
    internal sealed record StoredEvent(string ConversationId, string ContactId, string? ContactName, string? ContactCountry, string? BusinessId, string EventId, Model.FlowEvent Event)
    {
        /// <summary>The time the provider gave (null in rows written before it was kept).</summary>
        public DateTimeOffset? ProviderAt { get; init; }

        public DateTimeOffset? ReceivedAt { get; init; }

        public static StoredEvent From(InboundEnvelope e) =>
            new(e.ConversationId ?? e.ContactId, e.ContactId, e.ContactName, e.ContactCountry, e.BusinessId, e.ProviderMessageId, e.Event)
            {
                ProviderAt = e.OccurredAt,
                ReceivedAt = e.ReceivedAt,
            };

        public InboundEvent ToEvent() => new(ConversationId, ContactId, Event, ContactName, ContactCountry, null, EventId) { ProviderAt = ProviderAt, ReceivedAt = ReceivedAt };
    }
}
