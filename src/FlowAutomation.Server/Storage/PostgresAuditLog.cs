using Dapper;
using FlowAutomation.Runtime;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The audit log in PostgreSQL's <c>audit</c> table; the rows are <see cref="SqliteAuditLog"/>'s. A change's records go
/// in one statement (their columns as arrays, unnested in order), so they take their <c>seq</c> in the order given and
/// stand or fall together with the statement, as with one insert each.
/// </summary>
internal sealed class PostgresAuditLog(PostgresDatabase database) : IAuditLog
{
    private const string InsertManySql = """
        INSERT INTO audit (conversation_id, at, kind, flow, node, name, status, reason, detail, record)
        SELECT @ConversationId, r.at, r.kind, r.flow, r.node, r.name, r.status, r.reason, r.detail, r.record
        FROM unnest(@At::bigint[], @Kind::text[], @Flow::text[], @Node::text[], @Name::text[], @Status::text[], @Reason::text[], @Detail::text[], @Record::text[])
            WITH ORDINALITY AS r(at, kind, flow, node, name, status, reason, detail, record, n)
        ORDER BY r.n
        """;

    /// <summary>Appends records in the caller's transaction (the transaction of the change they explain).</summary>
    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? conversationId, IReadOnlyList<TraceRecord> records, CancellationToken cancellationToken)
    {
        var batch = new PostgresBatch(connection, transaction);
        AddAppend(batch, conversationId, records);
        await batch.ExecuteAsync(cancellationToken);
    }

    /// <summary>Adds the records' inserts to <paramref name="batch"/> (the transaction of the change they explain).</summary>
    public static void AddAppend(PostgresBatch batch, string? conversationId, IReadOnlyList<TraceRecord> records)
    {
        if (records.Count == 0)
            return;
        if (records.Count == 1)
        {
            batch.Add(SqliteAuditLog.InsertSql, SqliteAuditLog.Row(conversationId, records[0]));
            return;
        }
        var rows = records.Select(r => SqliteAuditLog.Row(conversationId, r)).ToArray();
        batch.Add(InsertManySql, new AuditColumns(
            conversationId, [.. rows.Select(r => r.At)], [.. rows.Select(r => r.Kind)], [.. rows.Select(r => r.Flow)], [.. rows.Select(r => r.Node)],
            [.. rows.Select(r => r.Name)], [.. rows.Select(r => r.Status)], [.. rows.Select(r => r.Reason)], [.. rows.Select(r => r.Detail)], [.. rows.Select(r => r.Record)]));
    }

    /// <summary>The records' columns as arrays, one element per record, bound by name to <see cref="InsertManySql"/>.</summary>
    private sealed record AuditColumns(
        string? ConversationId, long[] At, string[] Kind, string?[] Flow, string?[] Node, string?[] Name, string?[] Status, string?[] Reason, string?[] Detail, string[] Record);

    /// <summary>Appends records in their own transaction.</summary>
    public Task AppendAsync(string? conversationId, IReadOnlyList<TraceRecord> records, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await AppendAsync(connection, transaction, conversationId, records, cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>The conversation's trail, oldest first, after <paramref name="afterSeq"/>, at most <paramref name="limit"/> rows.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string conversationId, long afterSeq = 0, int limit = 500, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SqliteAuditLog.AuditRow>(new CommandDefinition(SqliteAuditLog.ReadSql, new { conversationId, afterSeq, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToEntry()).ToList();
    }
}
