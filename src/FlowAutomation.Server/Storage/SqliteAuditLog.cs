using System.Text.Json;
using Dapper;
using FlowAutomation.Runtime;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>One row of a conversation's audit trail, as the admin API shows it.</summary>
public sealed record AuditEntry(long Seq, string? ConversationId, DateTimeOffset At, string Kind, string? Flow, string? Name, string? Status, string? Reason, string? Detail, JsonElement Record);

/// <summary>
/// The audit log: every trace record the engine writes (events, rules fired, actions with their status, guard
/// refusals with the reason code), in the <c>audit</c> table, written in the transaction of the change it explains.
/// </summary>
internal sealed class SqliteAuditLog(SqliteDatabase database) : IAuditLog
{
    public static Task AppendAsync(SqliteConnection connection, SqliteTransaction? transaction, string? conversationId, IReadOnlyList<TraceRecord> records, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var record in records)
        {
            var row = Row(conversationId, record);
            SqliteStatements.Get(connection, transaction, InsertSql, "ConversationId", "At", "Kind", "Flow", "Node", "Name", "Status", "Reason", "Detail", "Record")
                .Set(0, row.ConversationId).Set(1, row.At).Set(2, row.Kind).Set(3, row.Flow).Set(4, row.Node).Set(5, row.Name)
                .Set(6, row.Status).Set(7, row.Reason).Set(8, row.Detail).Set(9, row.Record).ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }

    /// <summary>The conversation's trail, oldest first, after <paramref name="afterSeq"/>, at most <paramref name="limit"/> rows.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string conversationId, long afterSeq = 0, int limit = 500, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(ReadSql, new { conversationId, afterSeq, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToEntry()).ToList();
    }

    internal static AuditRow Row(string? conversationId, TraceRecord record)
    {
        var row = new AuditRow
        {
            ConversationId = conversationId,
            At = record.At.ToUnixTimeMilliseconds(),
            Kind = record.Kind,
            Record = AuditRecordJson.Serialize(record),
        };
        switch (record)
        {
            case EventTrace e:
                row.Name = e.Type;
                row.Detail = e.Description;
                break;
            case RuleTrace r:
                row.Flow = r.Flow;
                row.Name = r.EventType;
                row.Status = r.Fired ? "fired" : "not_fired";
                row.Detail = r.WhyNot;
                break;
            case ActionTrace a:
                row.Flow = a.Flow;
                row.Node = a.Node;
                row.Name = a.Action;
                row.Status = a.StatusName;
                row.Reason = a.Reason;
                row.Detail = a.Detail;
                break;
            case SummaryTrace s:
                row.Detail = $"{s.Events} events, {s.Sent} sent, {s.Blocked} blocked";
                break;
        }
        return row;
    }

    /// <summary>A record's insert (both providers), with <see cref="Row"/>'s values.</summary>
    internal const string InsertSql = """
        INSERT INTO audit (conversation_id, at, kind, flow, node, name, status, reason, detail, record)
        VALUES (@ConversationId, @At, @Kind, @Flow, @Node, @Name, @Status, @Reason, @Detail, @Record)
        """;

    /// <summary>A conversation's trail after <c>afterSeq</c> (both providers), at most <c>limit</c> rows.</summary>
    internal const string ReadSql = """
        SELECT seq AS Seq, conversation_id AS ConversationId, at AS At, kind AS Kind, flow AS Flow, name AS Name, status AS Status,
               reason AS Reason, detail AS Detail, record AS Record
        FROM audit WHERE conversation_id = @conversationId AND seq > @afterSeq ORDER BY seq LIMIT @limit
        """;

    internal sealed class AuditRow
    {
        public long Seq { get; set; }
        public string? ConversationId { get; set; }
        public long At { get; set; }
        public string Kind { get; set; } = "";
        public string? Flow { get; set; }
        public string? Node { get; set; }
        public string? Name { get; set; }
        public string? Status { get; set; }
        public string? Reason { get; set; }
        public string? Detail { get; set; }
        public string Record { get; set; } = "";

        public AuditEntry ToEntry() =>
            new(Seq, ConversationId, DateTimeOffset.FromUnixTimeMilliseconds(At), Kind, Flow, Name, Status, Reason, Detail, JsonDocument.Parse(Record).RootElement.Clone());
    }
}
