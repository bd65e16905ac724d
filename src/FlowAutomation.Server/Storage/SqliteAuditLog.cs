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
    /// <summary>Rows one insert writes at most (<see cref="InsertRowsSql"/>): ten parameters each.</summary>
    internal const int RowsPerInsert = 16;

    /// <summary>
    /// Writes <paramref name="records"/> in their order, in the caller's transaction: one multi-row insert per
    /// <see cref="RowsPerInsert"/> records (each a prepared command kept on the connection) instead of one per record,
    /// so an event's trail costs one statement step, not one per row. The rows are the same, in the same order (a
    /// multi-row <c>VALUES</c> inserts its rows in turn, each taking the next <c>seq</c>), and they stay inside the
    /// caller's transaction or savepoint: a rollback takes them all with it, as before.
    /// </summary>
    public static Task AppendAsync(SqliteConnection connection, SqliteTransaction? transaction, string? conversationId, IReadOnlyList<TraceRecord> records, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        for (var start = 0; start < records.Count; start += RowsPerInsert)
        {
            var count = Math.Min(RowsPerInsert, records.Count - start);
            var command = SqliteStatements.Write(connection, transaction, InsertRowsSql[count], InsertRowsParameters[count]);
            for (var i = 0; i < count; i++)
            {
                var record = records[start + i];
                var row = Columns(record);
                var at = i * ColumnCount;
                command.Set(at, conversationId).Set(at + 1, row.At).Set(at + 2, row.Kind).Set(at + 3, row.Flow).Set(at + 4, row.Node)
                    .Set(at + 5, row.Name).Set(at + 6, row.Status).Set(at + 7, row.Reason).Set(at + 8, row.Detail);
                // The record's JSON bound as the UTF-8 its writer made, not decoded to a string and encoded again.
                if (AuditRecordJson.TryWriteUtf8(record, out var json))
                    command.SetUtf8(at + 9, json);
                else
                    command.Set(at + 9, AuditRecordJson.SerializeReflected(record));
            }
            command.Execute();
        }
        return Task.CompletedTask;
    }

    private const int ColumnCount = 10;

    /// <summary><see cref="InsertSql"/> for 1 to <see cref="RowsPerInsert"/> rows at once (index = rows), parameters <c>@c{row}_{column}</c>.</summary>
    private static readonly string[] InsertRowsSql = [.. Enumerable.Range(0, RowsPerInsert + 1).Select(rows => rows == 0 ? "" :
        "INSERT INTO audit (conversation_id, at, kind, flow, node, name, status, reason, detail, record) VALUES " +
        string.Join(", ", Enumerable.Range(0, rows).Select(row => "(" + string.Join(", ", Enumerable.Range(0, ColumnCount).Select(column => $"@c{row}_{column}")) + ")")))];

    /// <summary>The parameter names of <see cref="InsertRowsSql"/>, in the order <see cref="AppendAsync"/> sets them.</summary>
    private static readonly string[][] InsertRowsParameters = [.. Enumerable.Range(0, RowsPerInsert + 1).Select(rows =>
        Enumerable.Range(0, rows * ColumnCount).Select(i => $"c{i / ColumnCount}_{i % ColumnCount}").ToArray())];

    /// <summary>The conversation's trail, oldest first, after <paramref name="afterSeq"/>, at most <paramref name="limit"/> rows.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string conversationId, long afterSeq = 0, int limit = 500, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(ReadSql, new { conversationId, afterSeq, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToEntry()).ToList();
    }

    internal static AuditRow Row(string? conversationId, TraceRecord record)
    {
        var columns = Columns(record);
        return new AuditRow
        {
            ConversationId = conversationId,
            At = columns.At,
            Kind = columns.Kind,
            Flow = columns.Flow,
            Node = columns.Node,
            Name = columns.Name,
            Status = columns.Status,
            Reason = columns.Reason,
            Detail = columns.Detail,
            Record = AuditRecordJson.Serialize(record),
        };
    }

    /// <summary>The row's columns but the conversation and the record's JSON, as a value (the commit binds them without a row object per record).</summary>
    private static AuditColumns Columns(TraceRecord record)
    {
        var at = record.At.ToUnixTimeMilliseconds();
        return record switch
        {
            EventTrace e => new(at, record.Kind, Name: e.Type, Detail: e.Description),
            RuleTrace r => new(at, record.Kind, r.Flow, Name: r.EventType, Status: r.Fired ? "fired" : "not_fired", Detail: r.WhyNot),
            ActionTrace a => new(at, record.Kind, a.Flow, a.Node, a.Action, a.StatusName, a.Reason, a.Detail),
            SummaryTrace s => new(at, record.Kind, Detail: $"{s.Events} events, {s.Sent} sent, {s.Blocked} blocked"),
            _ => new(at, record.Kind),
        };
    }

    private readonly record struct AuditColumns(long At, string Kind, string? Flow = null, string? Node = null, string? Name = null,
        string? Status = null, string? Reason = null, string? Detail = null);

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
