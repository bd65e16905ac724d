using Dapper;
using FlowAutomation.Scheduling;

namespace FlowAutomation.Server.Storage;

/// <summary>The <see cref="IFollowUpStore"/> of the SQLite database (<see cref="SqliteFollowUpTable"/>, each write on the writer connection).</summary>
internal sealed class SqliteFollowUpStore(SqliteDatabase database) : IFollowUpStore
{
    public Task<bool> InsertAsync(FollowUpJob job, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => SqliteFollowUpTable.InsertAsync(connection, transaction, job, now, cancellationToken), cancellationToken);

    public Task<bool> CancelAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => SqliteFollowUpTable.CancelAsync(connection, transaction, jobId, now, cancellationToken), cancellationToken);

    public Task<bool> MarkFiredAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => SqliteFollowUpTable.MarkFiredAsync(connection, transaction, jobId, now, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<FollowUpJob>> PendingAsync(string conversationId, CancellationToken cancellationToken) =>
        SqliteFollowUpTable.PendingAsync(database, conversationId, cancellationToken);

    public Task<FollowUpJob?> ScheduledAsync(string jobId, CancellationToken cancellationToken) =>
        SqliteFollowUpTable.ScheduledAsync(database, jobId, cancellationToken);

    public async Task<IReadOnlyList<ScheduledFollowUp>> HandOversAsync(DateTimeOffset dueBy, bool withoutJob, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return FollowUpRows.HandOvers(await connection.QueryAsync<(string, long, string?)>(new CommandDefinition(
            withoutJob ? FollowUpSql.NeverHandedOver : FollowUpSql.HandOvers, new { dueBy = dueBy.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)));
    }

    /// <summary>
    /// One follow-up's job id per engine commit that schedules it: shares its transaction with the other writes queued
    /// at the time (group commit) instead of one of its own; it changes one row or none, so it is always kept.
    /// </summary>
    public Task<bool> RecordJobAsync(string jobId, string hangfireJobId, string? replacing, CancellationToken cancellationToken) =>
        database.WriteSharedAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            FollowUpSql.RecordJob("IS"), new { id = jobId, hangfireJobId, replacing }, transaction, cancellationToken: CancellationToken.None)) == 1,
            keep: static _ => true, cancellationToken);

    public async Task<string?> JobOfAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(FollowUpSql.JobOf, new { id = jobId }, cancellationToken: cancellationToken));
    }
}

/// <summary>Reading <c>follow_ups</c> rows into values, the same for both providers.</summary>
internal static class FollowUpRows
{
    public static IReadOnlyList<ScheduledFollowUp> HandOvers(IEnumerable<(string Id, long DueAt, string? HangfireJobId)> rows) =>
        [.. rows.Select(r => new ScheduledFollowUp(r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.DueAt), r.HangfireJobId))];

    public static IReadOnlyList<FollowUpJob> Jobs(IEnumerable<string> rows) => [.. rows.Select(StoreJson.DeserializeJob)];
}
