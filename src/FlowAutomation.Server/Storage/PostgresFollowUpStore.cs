using Dapper;
using FlowAutomation.Scheduling;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The <c>follow_ups</c> table in PostgreSQL (the rows of <see cref="SqliteFollowUpTable"/>), which every node shares:
/// each status change is guarded by <c>status = 'scheduled'</c>, so of two nodes firing or cancelling one follow-up
/// exactly one changes the row (the other waits for it at READ COMMITTED, then finds it changed).
/// </summary>
internal sealed class PostgresFollowUpStore(PostgresDatabase database) : IFollowUpStore
{
    /// <summary>Writes a scheduled row in the caller's transaction; false when the follow-up was written before: it is left as it is.</summary>
    public static async Task<bool> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FollowUpJob job, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, InsertParameters(job, now), transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Adds the scheduled row's insert to <paramref name="batch"/> (nothing when the follow-up was written before).</summary>
    public static void AddInsert(PostgresBatch batch, FollowUpJob job, DateTimeOffset now) => batch.Add(InsertSql, InsertParameters(job, now));

    private const string InsertSql = """
        INSERT INTO follow_ups (id, conversation_id, flow_id, follow_up_id, due_at, status, job, created_at)
        VALUES (@Id, @ConversationId, @FlowId, @FollowUpId, @due, 'scheduled', @json, @at)
        ON CONFLICT (id) DO NOTHING
        """;

    private static object InsertParameters(FollowUpJob job, DateTimeOffset now) =>
        new { job.Id, job.ConversationId, job.FlowId, job.FollowUpId, due = job.DueAt.ToUnixTimeMilliseconds(), json = StoreJson.SerializeJob(job), at = now.ToUnixTimeMilliseconds() };

    /// <summary>Runs one of <see cref="FollowUpSql"/>'s status changes on the row in the caller's transaction; false when it was not scheduled.</summary>
    public static async Task<bool> ChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(sql, new { jobId, at = now.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) == 1;

    public Task<bool> InsertAsync(FollowUpJob job, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => InsertAsync(connection, transaction, job, now, cancellationToken), cancellationToken);

    public Task<bool> CancelAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => ChangeAsync(connection, transaction, FollowUpSql.Cancel, jobId, now, cancellationToken), cancellationToken);

    public Task<bool> MarkFiredAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => ChangeAsync(connection, transaction, FollowUpSql.MarkFired, jobId, now, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<FollowUpJob>> PendingAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return FollowUpRows.Jobs(await connection.QueryAsync<string>(new CommandDefinition(FollowUpSql.Pending, new { conversationId }, cancellationToken: cancellationToken)));
    }

    public async Task<FollowUpJob?> ScheduledAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(FollowUpSql.Scheduled, new { jobId }, cancellationToken: cancellationToken));
        return json is null ? null : StoreJson.DeserializeJob(json);
    }

    public async Task<IReadOnlyList<ScheduledFollowUp>> HandOversAsync(DateTimeOffset dueBy, bool withoutJob, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return FollowUpRows.HandOvers(await connection.QueryAsync<(string, long, string?)>(new CommandDefinition(
            withoutJob ? FollowUpSql.NeverHandedOver : FollowUpSql.HandOvers, new { dueBy = dueBy.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)));
    }

    public Task<bool> RecordJobAsync(string jobId, string hangfireJobId, string? replacing, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            FollowUpSql.RecordJob("IS NOT DISTINCT FROM"), new { id = jobId, hangfireJobId, replacing }, transaction, cancellationToken: cancellationToken)) == 1, cancellationToken);

    public async Task<string?> JobOfAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(FollowUpSql.JobOf, new { id = jobId }, cancellationToken: cancellationToken));
    }
}
