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
    public static async Task<bool> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, FollowUpJob job, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO follow_ups (id, seq, conversation_id, flow_id, follow_up_id, due_at, status, job, created_at)
            VALUES (@Id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM follow_ups), @ConversationId, @FlowId, @FollowUpId, @due, 'scheduled', @json, @at)
            ON CONFLICT (id) DO NOTHING
            """,
            new { job.Id, job.ConversationId, job.FlowId, job.FollowUpId, due = job.DueAt.ToUnixTimeMilliseconds(), json = StoreJson.SerializeJob(job), at = now.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Sets a scheduled row <c>cancelled</c>; false when it was not scheduled (fired or cancelled before).</summary>
    public static async Task<bool> CancelAsync(SqliteConnection connection, SqliteTransaction transaction, string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            FollowUpSql.Cancel,
            new { jobId, at = now.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Sets a scheduled row <c>fired</c>; false when it was not scheduled (fired or cancelled before).</summary>
    public static async Task<bool> MarkFiredAsync(SqliteConnection connection, SqliteTransaction transaction, string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            FollowUpSql.MarkFired,
            new { jobId, at = now.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>The conversation's scheduled follow-ups, by due time.</summary>
    public static async Task<IReadOnlyList<FollowUpJob>> PendingAsync(SqliteDatabase database, string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            FollowUpSql.Pending,
            new { conversationId }, cancellationToken: cancellationToken));
        return [.. rows.Select(StoreJson.DeserializeJob)];
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
