using Dapper;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>A row of the <c>inbox</c> table waiting for the engine: its sequence number, its record's kind and payload (JSON).</summary>
internal sealed record PendingInboxRow(long Seq, string Kind, string Payload);

/// <summary>
/// The <c>inbox</c> table: each taken webhook record, by its dedup key, as <c>pending</c> (work for the engine),
/// <c>recorded</c> (kept, nothing to run), <c>done</c> or <c>failed</c>. Rows are never purged, so a redelivery is a
/// duplicate whatever its age. Every write takes the caller's transaction.
/// </summary>
internal static class SqliteInboxTable
{
    /// <summary>The rows taken but not processed yet, oldest first.</summary>
    public static async Task<IReadOnlyList<PendingInboxRow>> PendingAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Seq, string Kind, string Payload)>(new CommandDefinition(
            "SELECT seq, kind, payload FROM inbox WHERE status = 'pending' ORDER BY seq", cancellationToken: cancellationToken));
        return [.. rows.Select(r => new PendingInboxRow(r.Seq, r.Kind, r.Payload))];
    }

    /// <summary>
    /// Writes a record's row: <paramref name="pending"/> for work for the engine, else <c>recorded</c>. The new row's
    /// sequence number; null when the inbox holds the key already (a redelivery older than the dedup retention).
    /// </summary>
    public static Task<long?> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, string dedupKey, string provider, string kind,
        string? conversationId, string? contactId, string payload, bool pending, DateTimeOffset now) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO inbox (dedup_key, provider, kind, conversation_id, contact_id, received_at, payload, status, processed_at)
            VALUES (@dedupKey, @provider, @kind, @conversationId, @contactId, @at, @payload, @status, CASE WHEN @status = 'recorded' THEN @at END)
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING seq
            """,
            new { dedupKey, provider, kind, conversationId, contactId, at = now.ToUnixTimeMilliseconds(), payload, status = pending ? "pending" : "recorded" },
            transaction));

    /// <summary>The row is done, in the caller's transaction (false when it was done before).</summary>
    public static Task<bool> MarkDoneAsync(SqliteConnection connection, SqliteTransaction transaction, long seq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var done = SqliteStatements.Write(connection, transaction, MarkDoneSql, "seq", "at").Set(0, seq).Set(1, at.ToUnixTimeMilliseconds()).Execute();
        return Task.FromResult(done == 1);
    }

    public static Task MarkFailedAsync(SqliteDatabase database, long seq, string error, int attempts, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            MarkFailedSql,
            new { seq, error, attempts, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>Sets a pending row done (both providers).</summary>
    internal const string MarkDoneSql = "UPDATE inbox SET status = 'done', processed_at = @at, attempts = attempts + 1 WHERE seq = @seq AND status = 'pending'";

    /// <summary>Sets a pending row failed with its error (both providers).</summary>
    internal const string MarkFailedSql = "UPDATE inbox SET status = 'failed', processed_at = @at, attempts = @attempts, last_error = @error WHERE seq = @seq AND status = 'pending'";
}
