using System.Threading.Channels;
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
    private const int MaxBatchRecords = 512;
    private readonly Channel<Pending> _requests = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _writer;

    public ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
            return ValueTask.FromResult(new InboundAcceptance(0, 0));
        var pending = new Pending(records);
        EnsureWriter();
        if (!_requests.Writer.TryWrite(pending))
            throw new InvalidOperationException("the inbox is closed");
        return new ValueTask<InboundAcceptance>(pending.Completion.Task.WaitAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        if (_writer is not null)
            await _writer;
    }

    private void EnsureWriter()
    {
        if (_writer is not null)
            return;
        lock (_gate)
        {
            if (_writer is not null)
                return;
            // Not on the caller's execution context: the writer outlives the request that started it.
            using (ExecutionContext.SuppressFlow())
                _writer = Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>();
        while (await _requests.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var count = 0;
            while (count < MaxBatchRecords && _requests.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                count += pending.Records.Count;
            }
            List<InboxItem> items;
            try
            {
                items = await database.WriteAsync((connection, transaction) => WriteBatchAsync(connection, transaction, batch), CancellationToken.None);
            }
            catch (Exception exception)
            {
                // The transaction did not commit: nothing of the batch was written, every request is answered 503.
                foreach (var pending in batch)
                    pending.Completion.TrySetException(exception);
                continue;
            }
            foreach (var pending in batch)
            {
                if (pending.NotTaken > 0)
                    pending.Completion.TrySetException(new RecordsNotTakenException(pending.NotTaken, pending.Records.Count));
                else
                    pending.Completion.TrySetResult(new InboundAcceptance(pending.Accepted, pending.Records.Count - pending.Accepted));
            }
            foreach (var conversationId in items.Select(i => i.ConversationId).Distinct(StringComparer.Ordinal))
                processor.Enqueue(conversationId);
        }
    }

    /// <summary>Takes every request's records in order: runs of customers' messages in one round trip each, any other record on its own.</summary>
    private async Task<List<InboxItem>> WriteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<Pending> batch)
    {
        var items = new List<InboxItem>();
        var now = time.GetUtcNow();
        var run = new List<(Pending Pending, InboundRecord Record, SqliteInbox.StoredEvent Event)>();
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
                await TakeRunAsync(connection, transaction, run, now, items);
                await TakeOneAsync(connection, transaction, pending, record, now, items);
            }
        }
        await TakeRunAsync(connection, transaction, run, now, items);
        return items;
    }

    private async Task TakeRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(Pending Pending, InboundRecord Record, SqliteInbox.StoredEvent Event)> run, DateTimeOffset now, List<InboxItem> items)
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

    private async Task TakeOneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Pending pending, InboundRecord record, DateTimeOffset now, List<InboxItem> items)
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

    private sealed class Pending(IReadOnlyList<InboundRecord> records)
    {
        public IReadOnlyList<InboundRecord> Records { get; } = records;

        public int Accepted { get; set; }

        /// <summary>Records that could not be stored (the request is answered 503; the others are taken).</summary>
        public int NotTaken { get; set; }

        public TaskCompletionSource<InboundAcceptance> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
