using Dapper;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The <c>inbox</c> table in PostgreSQL (the rows of <see cref="SqliteInboxTable"/>), shared by every node. A
/// conversation's pending rows are run by one node at a time: the node holds the conversation's advisory lock
/// (<see cref="LockAndReadAsync"/>) while it takes its oldest pending rows, runs each and commits it with the row set
/// <c>done</c>.
/// </summary>
internal static class PostgresInboxTable
{
    /// <summary>A conversation whose lock is held: its oldest pending rows, its stored state (null: none yet) and its scheduled follow-ups.</summary>
    internal sealed record HeldConversation(IReadOnlyList<PendingInboxRow> Rows, FlowAutomation.State.ConversationState? State, IReadOnlyList<FlowAutomation.Scheduling.FollowUpJob> FollowUps);

    /// <summary>
    /// Conversations with a row pending since <paramref name="pendingSince"/> or before (a live node runs the rows it
    /// took at once; these are a node's that died or fell behind), the one waiting longest first, at most
    /// <paramref name="limit"/>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PendingConversationsAsync(PostgresDatabase database, DateTimeOffset pendingSince, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
            return [];
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT conversation_id FROM inbox
            WHERE status = 'pending' AND conversation_id IS NOT NULL
            GROUP BY conversation_id
            HAVING MIN(received_at) <= @since
            ORDER BY MIN(seq)
            LIMIT @limit
            """, new { since = pendingSince.ToUnixTimeMilliseconds(), limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Takes the conversation's advisory lock for the transaction's life (waiting for the node that holds it, or,
    /// unless <paramref name="wait"/>, giving up when one does) and reads its oldest pending rows, at most
    /// <paramref name="limit"/>, with its stored state and scheduled follow-ups (what the engine reads first), in one
    /// round trip: statements in a batch, so each read's snapshot is taken once the lock is held and sees every commit
    /// of the node that held it before. Null when the lock was not taken.
    /// </summary>
    public static async Task<HeldConversation?> LockAndReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, bool wait, int limit, CancellationToken cancellationToken)
    {
        var batch = new PostgresBatch(connection, transaction);
        batch.Add(wait ? "SELECT true FROM (SELECT pg_advisory_xact_lock(hashtext(@conversationId))) AS locked" : "SELECT pg_try_advisory_xact_lock(hashtext(@conversationId))", new { conversationId });
        batch.Add("SELECT seq, kind, payload FROM inbox WHERE conversation_id = @conversationId AND status = 'pending' ORDER BY seq LIMIT @limit", new { conversationId, limit });
        batch.Add("SELECT version, state FROM conversations WHERE id = @conversationId", new { conversationId });
        batch.Add(FollowUpSql.Pending, new { conversationId });
        HeldConversation? held = null;
        await batch.ReadAsync(async reader =>
        {
            if (!await reader.ReadAsync(cancellationToken) || !reader.GetBoolean(0))
                return; // another node holds it: the reads after the lock are not looked at
            var rows = new List<PendingInboxRow>();
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(new PendingInboxRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
            await reader.NextResultAsync(cancellationToken);
            var state = await reader.ReadAsync(cancellationToken) ? StoreJson.DeserializeState(reader.GetString(1), reader.GetInt64(0)) : null;
            await reader.NextResultAsync(cancellationToken);
            var jobs = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
                jobs.Add(reader.GetString(0));
            held = new HeldConversation(rows, state, FollowUpRows.Jobs(jobs));
        }, cancellationToken);
        return held;
    }

    /// <summary>Takes the conversation's advisory lock for the transaction's life, waiting for the node that holds it.</summary>
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string conversationId, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext(@conversationId))", new { conversationId }, transaction, cancellationToken: cancellationToken));

    public static Task MarkFailedAsync(PostgresDatabase database, long seq, string error, int attempts, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            SqliteInboxTable.MarkFailedSql,
            new { seq, error, attempts, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
