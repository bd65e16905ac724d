using Dapper;
using FlowAutomation.Runtime;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>The audit log in PostgreSQL's <c>audit</c> table; the rows are <see cref="SqliteAuditLog"/>'s.</summary>
internal sealed class PostgresAuditLog(PostgresDatabase database) : IAuditLog
{
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
        foreach (var record in records)
            batch.Add(SqliteAuditLog.InsertSql, SqliteAuditLog.Row(conversationId, record));
    }

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
