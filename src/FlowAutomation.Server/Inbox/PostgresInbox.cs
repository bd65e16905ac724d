using FlowAutomation.Server.Common;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using Npgsql;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// The <see cref="IInboundSink"/> on PostgreSQL: a webhook's records are taken as <see cref="InboxIntake"/> takes them
/// (the same rows as <see cref="SqliteInbox"/>) and only then acknowledged. Concurrent requests share a transaction
/// (group commit, as on SQLite): one writer takes the requests that queued while it committed the last batch, so a
/// burst costs one commit per batch instead of one per request. Each record is written in a savepoint of its own, so
/// one that cannot be stored fails only its own request (503), never the others; the batch's customer messages go in
/// one round trip (<see cref="PostgresIntake"/>). Any node may take any webhook: the dedup key's primary key settles a
/// redelivery that reaches two nodes at once (the second waits for the first and finds the key). After the commit this
/// node's <see cref="PostgresInboxProcessor"/> is told which conversations have new work; the other nodes find it when
/// they poll.
/// </summary>
internal sealed class PostgresInbox(PostgresDatabase database, PostgresInboxProcessor processor, TimeProvider time, ILogger<PostgresInbox> logger) : IInboundSink, IAsyncDisposable
{
    private readonly IntakeBatcher _batcher = new(
        batch => database.WriteAsync((connection, transaction) => WriteBatchAsync(connection, transaction, batch, time.GetUtcNow(), logger), CancellationToken.None),
        items =>
        {
            foreach (var conversationId in items.Select(i => i.ConversationId).Distinct(StringComparer.Ordinal))
                processor.Enqueue(conversationId);
        });

    public ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken = default) =>
        _batcher.AcceptAsync(records, cancellationToken);

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    /// <summary>Takes every request's records in order: runs of customers' messages in one round trip each, any other record on its own.</summary>
    private static async Task<List<InboxItem>> WriteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<IntakeRequest> batch, DateTimeOffset now, ILogger logger)
    {
        var items = new List<InboxItem>();
        var run = new List<(IntakeRequest Pending, InboundRecord Record, SqliteInbox.StoredEvent Event)>();
        foreach (var pending in batch)
        {
            (pending.Accepted, pending.NotTaken) = (0, 0);
            foreach (var record in pending.Records)
            {
                if (record is InboundEnvelope envelope)
                {
                    run.Add((pending, record, SqliteInbox.StoredEvent.From(envelope)));
                    continue;
                }
                await TakeRunAsync(connection, transaction, run, now, items, logger);
                await TakeOneAsync(connection, transaction, pending, record, now, items, logger);
            }
        }
        await TakeRunAsync(connection, transaction, run, now, items, logger);
        return items;
    }

    private static async Task TakeRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(IntakeRequest Pending, InboundRecord Record, SqliteInbox.StoredEvent Event)> run, DateTimeOffset now, List<InboxItem> items, ILogger logger)
    {
        if (run.Count == 0)
            return;
        var taken = await PostgresIntake.TakeEventsAsync(connection, transaction, [.. run.Select(r => r.Event)], [.. run.Select(r => r.Record)], now);
        for (var i = 0; i < run.Count; i++)
        {
            var (pending, record, stored) = run[i];
            if (taken[i].Error is { } error)
            {
                logger.InboxRecordRefused(error, record.DedupKey);
                pending.NotTaken++;
            }
            else if (taken[i].Seq is { } seq)
            {
                pending.Accepted++;
                items.Add(new InboxEvent(seq, stored.ToEvent()));
            }
        }
        run.Clear();
    }

    private static async Task TakeOneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IntakeRequest pending, InboundRecord record, DateTimeOffset now, List<InboxItem> items, ILogger logger)
    {
        bool taken;
        InboxItem? item;
        try
        {
            (taken, item) = await PostgresIntake.TakeAsync(connection, transaction, record, now);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An error that ended the whole transaction (the database is gone) makes the rollback throw, and the batch
            // fails as a whole.
            await PostgresIntake.UndoAsync(transaction);
            logger.InboxRecordRefused(exception, record.DedupKey);
            pending.NotTaken++;
            return;
        }
        if (!taken)
            return;
        pending.Accepted++;
        if (item is not null)
            items.Add(item);
    }
}
