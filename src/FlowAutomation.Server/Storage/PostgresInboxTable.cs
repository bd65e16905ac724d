using Dapper;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The <c>inbox</c> table in PostgreSQL (the rows of <see cref="SqliteInboxTable"/>), shared by every node. A
/// conversation's pending rows are run by one node at a time: the node holds the conversation's advisory lock
/// (<see cref="TryLockAsync"/>, <see cref="LockAsync"/>) while it takes the oldest pending row, runs it and commits it
/// with the row set <c>done</c>.
/// </summary>
internal static class PostgresInboxTable
{
    /// <summary>Conversations with pending rows, the one waiting longest first, at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<string>> PendingConversationsAsync(PostgresDatabase database, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT conversation_id FROM inbox
            WHERE status = 'pending' AND conversation_id IS NOT NULL
            GROUP BY conversation_id
            ORDER BY MIN(seq)
            LIMIT @limit
            """, new { limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>The conversation's oldest pending row; null when none is left.</summary>
    public static async Task<PendingInboxRow?> OldestPendingAsync(PostgresDatabase database, string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<(long Seq, string Kind, string Payload)?>(new CommandDefinition(
            "SELECT seq, kind, payload FROM inbox WHERE conversation_id = @conversationId AND status = 'pending' ORDER BY seq LIMIT 1",
            new { conversationId }, cancellationToken: cancellationToken));
        return row is { } r ? new PendingInboxRow(r.Seq, r.Kind, r.Payload) : null;
    }

    /// <summary>Takes the conversation's advisory lock for the transaction's life when no node holds it; false when one does.</summary>
    public static async Task<bool> TryLockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_xact_lock(hashtext(@conversationId))", new { conversationId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Takes the conversation's advisory lock for the transaction's life, waiting for the node that holds it.</summary>
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext(@conversationId))", new { conversationId }, transaction, cancellationToken: cancellationToken));

    /// <summary>The row is done, in the caller's transaction (false when it was done before, on this node or another).</summary>
    public static async Task<bool> MarkDoneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long seq, DateTimeOffset at, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            SqliteInboxTable.MarkDoneSql,
            new { seq, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) == 1;

    public static Task MarkFailedAsync(PostgresDatabase database, long seq, string error, int attempts, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            SqliteInboxTable.MarkFailedSql,
            new { seq, error, attempts, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
