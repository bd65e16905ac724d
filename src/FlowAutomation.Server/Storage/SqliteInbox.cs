using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using FlowAutomation.Runtime;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Webhooks;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>An inbound event taken into the inbox, waiting for the engine: its inbox sequence number and the event.</summary>
internal sealed record InboxItem(long Seq, InboundEvent Event);

/// <summary>
/// The service's <see cref="IInboundSink"/>: a webhook's records are taken in one SQLite transaction — each dedup key
/// recorded, each new customer event written to the <c>inbox</c> table as <c>pending</c>, every other record
/// written as <c>recorded</c> (delivery and seen reports also marked on the outbox row they are about) — and only
/// then acknowledged. Concurrent requests share a transaction (group commit), so a burst costs one commit per batch.
/// After the commit the new events go to the <see cref="InboxProcessor"/>; one that is taken but not yet processed
/// when the process dies is still <c>pending</c> and is processed on the next start.
/// </summary>
internal sealed class SqliteInbox(SqliteDatabase database, InboxProcessor processor, TimeProvider time) : IInboundSink, IAsyncDisposable
{
    private const int MaxBatchRecords = 512;
    private readonly Channel<Pending> _requests = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _writer;

    public ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0)
            return ValueTask.FromResult(new InboundAcceptance(0, 0));
        var pending = new Pending(records);
        EnsureWriter();
        if (!_requests.Writer.TryWrite(pending))
            throw new InvalidOperationException("the inbox is closed");
        return new ValueTask<InboundAcceptance>(pending.Completion.Task.WaitAsync(cancellationToken));
    }

    /// <summary>The events taken but not processed yet, oldest first.</summary>
    public static async Task<IReadOnlyList<InboxItem>> PendingAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Seq, string Payload)>(new CommandDefinition(
            "SELECT seq, payload FROM inbox WHERE status = 'pending' ORDER BY seq", cancellationToken: cancellationToken));
        return rows.Select(r => new InboxItem(r.Seq, StoreJson.Deserialize<StoredEvent>(r.Payload).ToEvent())).ToList();
    }

    /// <summary>The marker of an engine unit: the inbox record is done (false when it was done before).</summary>
    public static async Task<bool> MarkDoneAsync(SqliteConnection connection, SqliteTransaction transaction, long seq, DateTimeOffset at, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE inbox SET status = 'done', processed_at = @at, attempts = attempts + 1 WHERE seq = @seq AND status = 'pending'",
            new { seq, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) == 1;

    public static Task MarkFailedAsync(SqliteDatabase database, long seq, string error, int attempts, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE inbox SET status = 'failed', processed_at = @at, attempts = @attempts, last_error = @error WHERE seq = @seq AND status = 'pending'",
            new { seq, error, attempts, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)), cancellationToken);

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
            try
            {
                var items = await database.WriteUrgentAsync((connection, transaction) => WriteBatchAsync(connection, transaction, batch));
                foreach (var pending in batch)
                    pending.Completion.TrySetResult(new InboundAcceptance(pending.Accepted, pending.Records.Count - pending.Accepted));
                foreach (var item in items)
                    processor.Enqueue(item);
            }
            catch (Exception exception)
            {
                foreach (var pending in batch)
                    pending.Completion.TrySetException(exception);
            }
        }
    }

    private async Task<List<InboxItem>> WriteBatchAsync(SqliteConnection connection, SqliteTransaction transaction, List<Pending> batch)
    {
        var items = new List<InboxItem>();
        var now = time.GetUtcNow();
        foreach (var pending in batch)
        {
            pending.Accepted = 0;
            foreach (var record in pending.Records)
            {
                if (!await SqliteDedupStore.TryReserveAsync(record.DedupKey, now, connection, transaction))
                    continue;
                pending.Accepted++;
                if (record is InboundEnvelope envelope)
                {
                    var stored = StoredEvent.From(envelope);
                    var seq = await InsertAsync(connection, transaction, record, "pending", stored.ConversationId, envelope.ContactId, StoreJson.Serialize(stored), now);
                    items.Add(new InboxItem(seq, stored.ToEvent()));
                    continue;
                }
                switch (record)
                {
                    case DeliveryReport report:
                        await SqliteOutbox.RecordReportAsync(connection, transaction, report.ProviderMessageId, report.Status, report.OccurredAt, seen: false, CancellationToken.None);
                        break;
                    case SeenReport seen:
                        await SqliteOutbox.RecordReportAsync(connection, transaction, seen.ProviderMessageId, null, seen.OccurredAt, seen: true, CancellationToken.None);
                        break;
                }
                await InsertAsync(connection, transaction, record, "recorded", ConversationOf(record), ContactOf(record),
                    JsonSerializer.Serialize(record, record.GetType(), StoreJson.Options), now);
            }
        }
        return items;
    }

    private static Task<long> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, InboundRecord record, string status, string? conversationId, string? contactId, string payload, DateTimeOffset now) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO inbox (dedup_key, provider, kind, conversation_id, contact_id, received_at, payload, status, processed_at)
            VALUES (@DedupKey, @provider, @kind, @conversationId, @contactId, @at, @payload, @status, CASE WHEN @status = 'recorded' THEN @at END)
            RETURNING seq
            """,
            new { record.DedupKey, provider = record.Provider.ToString(), kind = record.GetType().Name, conversationId, contactId, at = now.ToUnixTimeMilliseconds(), payload, status },
            transaction));

    private static string? ConversationOf(InboundRecord record) => record switch
    {
        BusinessEcho e => e.ConversationId,
        ReadReceipt r => r.ConversationId,
        ReactionRecord r => r.ConversationId,
        _ => null,
    };

    private static string? ContactOf(InboundRecord record) => record switch
    {
        BusinessEcho e => e.ContactId,
        ReadReceipt r => r.ContactId,
        ReactionRecord r => r.ContactId,
        DeliveryReport d => d.Recipient,
        SeenReport s => s.Recipient,
        _ => null,
    };

    private sealed class Pending(IReadOnlyList<InboundRecord> records)
    {
        public IReadOnlyList<InboundRecord> Records { get; } = records;

        public int Accepted { get; set; }

        public TaskCompletionSource<InboundAcceptance> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// What the inbox keeps of a customer event: enough to run it after a restart. A lead without a TikTok
    /// conversation runs in a conversation named by its contact id (<c>lead:&lt;lead id&gt;</c>).
    /// </summary>
    internal sealed record StoredEvent(string ConversationId, string ContactId, string? ContactName, string? ContactCountry, string? BusinessId, string EventId, Model.FlowEvent Event)
    {
        public static StoredEvent From(InboundEnvelope e) =>
            new(e.ConversationId ?? e.ContactId, e.ContactId, e.ContactName, e.ContactCountry, e.BusinessId, e.ProviderMessageId, e.Event);

        public InboundEvent ToEvent() => new(ConversationId, ContactId, Event, ContactName, ContactCountry, null, EventId);
    }
}
