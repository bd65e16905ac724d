using Dapper;
using FlowAutomation.Scheduling;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The <c>follow_ups</c> table, the record of truth of every follow-up with its status (<c>scheduled</c>,
/// <c>fired</c>, <c>cancelled</c>); whatever times them (Hangfire today) is handed the scheduled rows. Every write takes
/// the caller's transaction, so an engine commit writes its follow-ups with its state.
/// </summary>
internal static class SqliteFollowUpTable
{
    /// <summary>Writes a scheduled row; false when the follow-up was written before (scheduled, fired or cancelled): it is left as it is.</summary>
    public static Task<bool> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, FollowUpJob job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var inserted = SqliteStatements.Write(connection, transaction, InsertSql, "Id", "ConversationId", "FlowId", "FollowUpId", "due", "json", "at")
            .Set(0, job.Id).Set(1, job.ConversationId).Set(2, job.FlowId).Set(3, job.FollowUpId).Set(4, job.DueAt.ToUnixTimeMilliseconds())
            .Set(5, StoreJson.SerializeJob(job)).Set(6, now.ToUnixTimeMilliseconds()).Execute();
        return Task.FromResult(inserted == 1);
    }

    /// <summary>
    /// A follow-up's row; <c>seq</c> (the order among rows due at the same time) is the last row's plus one. Every row
    /// takes it so and gets the next rowid, so <c>seq</c> grows with the rowid and the last row by rowid (one step down
    /// the table's own B-tree) holds the largest: <c>MAX(seq)</c>, which has no index, scanned the whole table per insert.
    /// </summary>
    private const string InsertSql = """
        INSERT INTO follow_ups (id, seq, conversation_id, flow_id, follow_up_id, due_at, status, job, created_at)
        VALUES (@Id, COALESCE((SELECT seq FROM follow_ups ORDER BY rowid DESC LIMIT 1), 0) + 1, @ConversationId, @FlowId, @FollowUpId, @due, 'scheduled', @json, @at)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>Sets a scheduled row <c>cancelled</c>; false when it was not scheduled (fired or cancelled before).</summary>
    public static Task<bool> CancelAsync(SqliteConnection connection, SqliteTransaction transaction, string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(connection, transaction, FollowUpSql.Cancel, jobId, now, cancellationToken);

    /// <summary>Sets a scheduled row <c>fired</c>; false when it was not scheduled (fired or cancelled before).</summary>
    public static Task<bool> MarkFiredAsync(SqliteConnection connection, SqliteTransaction transaction, string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(connection, transaction, FollowUpSql.MarkFired, jobId, now, cancellationToken);

    private static Task<bool> ChangeAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, string jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var changed = SqliteStatements.Write(connection, transaction, sql, "jobId", "at").Set(0, jobId).Set(1, now.ToUnixTimeMilliseconds()).Execute();
        return Task.FromResult(changed == 1);
    }

    /// <summary>The conversation's scheduled follow-ups, by due time.</summary>
    public static Task<IReadOnlyList<FollowUpJob>> PendingAsync(SqliteDatabase database, string conversationId, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => Pending(connection, conversationId), cancellationToken);

    /// <summary>The conversation's scheduled follow-ups, by due time, from a statement prepared once on <paramref name="connection"/> (a kept reader).</summary>
    public static IReadOnlyList<FollowUpJob> Pending(SqliteConnection connection, string conversationId)
    {
        List<FollowUpJob>? jobs = null;
        using var rows = SqliteStatements.Read(connection, FollowUpSql.Pending, "conversationId").Set(0, conversationId).Query();
        while (rows.Read())
            (jobs ??= []).Add(StoreJson.DeserializeJob(rows.GetString(0)));
        return jobs ?? (IReadOnlyList<FollowUpJob>)[];
    }

    /// <summary>The follow-up when its row is still scheduled; null when it fired or was cancelled.</summary>
    public static async Task<FollowUpJob?> ScheduledAsync(SqliteDatabase database, string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            FollowUpSql.Scheduled, new { jobId }, cancellationToken: cancellationToken));
        return json is null ? null : StoreJson.DeserializeJob(json);
    }

    /// <summary>Every scheduled follow-up, by due time.</summary>
    public static async Task<IReadOnlyList<FollowUpJob>> AllScheduledAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            FollowUpSql.AllScheduled, cancellationToken: cancellationToken));
        return [.. rows.Select(StoreJson.DeserializeJob)];
    }
}
