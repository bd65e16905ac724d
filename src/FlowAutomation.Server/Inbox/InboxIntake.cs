using System.Data.Common;
using System.Text.Json;
using Dapper;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// How one webhook record is taken into the <c>inbox</c> table, in the caller's transaction, with the SQL both
/// providers accept (<see cref="SqliteInbox"/>, <see cref="PostgresInbox"/>): its dedup key recorded; a customer event,
/// or a message a person sent from TikTok's app that counts toward the quota, written <c>pending</c>; any other record
/// written <c>recorded</c> (a delivery or seen report also marked on the outbox row it is about). And how a row is read
/// back as the engine's <see cref="InboxItem"/>.
/// </summary>
internal static class InboxIntake
{
    /// <summary>Takes one record: false when it is a duplicate; the item for the engine when it has work to do.</summary>
    public static async Task<(bool Taken, InboxItem? Item)> TakeAsync(DbConnection connection, DbTransaction transaction, InboundRecord record, DateTimeOffset now)
    {
        if (await connection.ExecuteAsync(new CommandDefinition(
                RecordKeySql, new { key = record.DedupKey, at = now.ToUnixTimeMilliseconds() }, transaction)) != 1)
            return (false, null);
        switch (record)
        {
            case InboundEnvelope envelope:
                var stored = SqliteInbox.StoredEvent.From(envelope);
                return EventTaken(stored, await InsertAsync(connection, transaction, record, pending: true, stored.ConversationId, envelope.ContactId, StoreJson.Serialize(stored), now));
            case BusinessEcho { CountsTowardQuota: true } echo:
                return await InsertAsync(connection, transaction, record, pending: true, echo.ConversationId, echo.ContactId, StoreJson.Serialize(echo), now) is { } agentSeq
                    ? (true, new InboxAgentMessage(agentSeq, echo.ToAgentMessage()))
                    : (false, null);
        }
        if (await InsertAsync(connection, transaction, record, pending: false, ConversationOf(record), ContactOf(record),
                JsonSerializer.Serialize(record, record.GetType(), StoreJson.Options), now) is null)
            return (false, null);
        switch (record)
        {
            case DeliveryReport report:
                await RecordReportAsync(connection, transaction, report.ProviderMessageId, report.Status, report.EffectiveAt, seen: false);
                break;
            case SeenReport seen:
                await RecordReportAsync(connection, transaction, seen.ProviderMessageId, null, seen.EffectiveAt, seen: true);
                break;
        }
        return (true, null);
    }

    /// <summary>Records a dedup key (both providers): one row changed when the key is new. Parameters <c>key</c>, <c>at</c>.</summary>
    internal const string RecordKeySql = "INSERT INTO inbound_dedup (key, received_at) VALUES (@key, @at) ON CONFLICT (key) DO NOTHING";

    /// <summary>
    /// Writes a record's inbox row (both providers), returning its <c>seq</c>; no row when the inbox holds the key.
    /// Parameters <c>dedupKey</c>, <c>provider</c>, <c>kind</c>, <c>conversationId</c>, <c>contactId</c>, <c>at</c>,
    /// <c>payload</c>, <c>status</c>, <c>processedAt</c>.
    /// </summary>
    internal const string InsertSql = """
        INSERT INTO inbox (dedup_key, provider, kind, conversation_id, contact_id, received_at, payload, status, processed_at)
        VALUES (@dedupKey, @provider, @kind, @conversationId, @contactId, @at, @payload, @status, @processedAt)
        ON CONFLICT (dedup_key) DO NOTHING
        RETURNING seq
        """;

    /// <summary>What taking a customer's event came to: its item when its row was written (<paramref name="seq"/>), else a duplicate.</summary>
    internal static (bool Taken, InboxItem? Item) EventTaken(SqliteInbox.StoredEvent stored, long? seq) =>
        seq is { } taken ? (true, new InboxEvent(taken, stored.ToEvent())) : (false, null);

    /// <summary>The engine's item of a pending row (its kind and JSON payload as <see cref="TakeAsync"/> wrote them).</summary>
    public static InboxItem ItemOf(long seq, string kind, string payload) => kind == nameof(BusinessEcho)
        ? new InboxAgentMessage(seq, StoreJson.Deserialize<BusinessEcho>(payload).ToAgentMessage())
        : new InboxEvent(seq, StoreJson.Deserialize<SqliteInbox.StoredEvent>(payload).ToEvent());

    /// <summary>The new row's sequence number; null when the inbox holds the key already (a redelivery older than the dedup retention).</summary>
    private static Task<long?> InsertAsync(DbConnection connection, DbTransaction transaction, InboundRecord record, bool pending, string? conversationId, string? contactId, string payload, DateTimeOffset now) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition(InsertSql,
            new
            {
                dedupKey = record.DedupKey, provider = record.Provider.ToString(), kind = record.GetType().Name, conversationId, contactId,
                at = now.ToUnixTimeMilliseconds(), payload, status = pending ? "pending" : "recorded", processedAt = pending ? (long?)null : now.ToUnixTimeMilliseconds(),
            },
            transaction));

    private static Task<int> RecordReportAsync(DbConnection connection, DbTransaction transaction, string messageId, string? deliveryStatus, DateTimeOffset at, bool seen) =>
        connection.ExecuteAsync(new CommandDefinition(SqliteOutbox.ReportSql(seen), new { messageId, deliveryStatus, at = at.ToUnixTimeMilliseconds() }, transaction));

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
}
