using Dapper;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;
using Microsoft.Data.Sqlite;
using Quartz;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// Follow-ups on Quartz with its persistent SQLite store (the <c>QRTZ_</c> tables in the service's database).
/// The <c>follow_ups</c> table is the record of truth — every job with its status (<c>scheduled</c>, <c>fired</c>,
/// <c>cancelled</c>) — and Quartz is the timer: one job per follow-up, its data the <see cref="FollowUpJob"/> as JSON,
/// a one-shot trigger at the due time that fires at once when it was missed (the service was down), and recovery
/// requested so a firing cut short by a crash runs again. A firing sets the row <c>fired</c> in the transaction of
/// the engine's change, and skips a row that is no longer <c>scheduled</c>: each follow-up takes effect exactly once.
/// Inside an <see cref="EngineUnit"/> the row is written in the unit's transaction and the job handed to Quartz after
/// the commit; a row without its Quartz job (a crash in between) is handed again by <see cref="ReconcileAsync"/>,
/// which runs on start and periodically.
/// </summary>
internal sealed class QuartzFollowUpScheduler(SqliteDatabase database, TimeProvider time, ILogger<QuartzFollowUpScheduler> logger)
    : IFollowUpScheduler, IAsyncDisposable
{
    public const string Group = "follow-ups";
    public const string JobDataKey = "followUp";

    private IScheduler? _quartz;
    private IFollowUpHandler? _handler;

    /// <summary>Raised after each firing has finished (committed or skipped), with the job id.</summary>
    public event Action<string>? Completed;

    public IScheduler Quartz => _quartz ?? throw new InvalidOperationException("the follow-up scheduler is not started");

    public bool IsStarted => _quartz is { Status: SchedulerStatus.Running };

    /// <summary>Built and reconciled (firing or in standby).</summary>
    public bool IsReady { get; private set; }

    /// <summary>
    /// Builds Quartz on the service's database and clock, hands it the follow-ups it lacks, and starts it firing each
    /// due follow-up into <paramref name="handler"/> (unless <paramref name="fire"/> is false: then it stays in standby).
    /// </summary>
    public async Task StartAsync(IFollowUpHandler handler, bool fire = true, CancellationToken cancellationToken = default)
    {
        _handler = handler;
        var connectionString = database.ConnectionString;
        _quartz = await QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "flowautomation-" + Guid.NewGuid().ToString("n"));
            q.UseTimeProvider(time);
            q.UseJobFactory(new FollowUpJobFactory(this));
            q.UseDefaultThreadPool(4);
            q.UsePersistentStore(store =>
            {
                store.UseSqlite(connectionString);
                store.ProvisionSchema();
                store.ConfigureStore(o =>
                {
                    o.StoreJobDataAsStrings = true;
                    // One node per database (SQLite): Quartz serialises its own work in memory instead of taking
                    // row locks, whose retries would back off on the service's clock.
                    o.UseDbLocks = false;
                });
            });
        }).BuildScheduler(cancellationToken);
        var handed = await ReconcileAsync(cancellationToken);
        if (fire)
            await _quartz.Start(cancellationToken);
        IsReady = true;
        logger.FollowUpsStarted(handed);
    }

    public async ValueTask ScheduleAsync(FollowUpJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var inserted = await database.WriteAsync((connection, transaction) => InsertAsync(connection, transaction, job, cancellationToken), cancellationToken);
        if (!inserted)
            return; // scheduled before (or fired, or cancelled): left as it is
        if (EngineUnit.Current is { } unit && unit.Joins(database, out _))
            unit.AfterCommit(() => HandToQuartzAsync(job, CancellationToken.None));
        else
            await HandToQuartzAsync(job, cancellationToken);
    }

    public async ValueTask<bool> CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        var cancelled = await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE follow_ups SET status = 'cancelled', done_at = @at WHERE id = @jobId AND status = 'scheduled'",
            new { jobId, at = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)), cancellationToken) == 1;
        if (!cancelled)
            return false;
        // A Quartz job left behind (a crash before this) finds its row cancelled and does nothing.
        if (EngineUnit.Current is { } unit && unit.Joins(database, out _))
            unit.AfterCommit(async () => await Quartz.DeleteJob(new JobKey(jobId, Group)));
        else
            await Quartz.DeleteJob(new JobKey(jobId, Group), cancellationToken);
        return true;
    }

    public async ValueTask<IReadOnlyList<FollowUpJob>> PendingAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT job FROM follow_ups WHERE conversation_id = @conversationId AND status = 'scheduled' ORDER BY due_at, seq",
            new { conversationId }, cancellationToken: cancellationToken));
        return rows.Select(StoreJson.DeserializeJob).ToList();
    }

    /// <summary>
    /// What a Quartz firing does (and what a test drives directly): skip a follow-up that is no longer scheduled,
    /// else hand it to the engine inside a unit whose marker sets it <c>fired</c>.
    /// </summary>
    public async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var json = await ScheduledJobAsync(jobId, cancellationToken);
            if (json is null)
            {
                logger.FollowUpSkipped(jobId, "it is no longer scheduled (fired or cancelled before)");
                return;
            }
            var job = StoreJson.DeserializeJob(json);
            await FireAsync(job, cancellationToken);
        }
        catch (AlreadyHandledException exception)
        {
            logger.FollowUpSkipped(jobId, exception.Message);
        }
        finally
        {
            Completed?.Invoke(jobId);
        }
    }

    /// <summary>
    /// Hands Quartz every scheduled follow-up it does not have (after a crash between a commit and the hand-over,
    /// or a firing that failed); returns how many. Quartz fires those already due at once.
    /// </summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        List<(string Id, string Job)> rows;
        await using (var connection = await database.OpenAsync(cancellationToken))
            rows = [.. await connection.QueryAsync<(string, string)>(new CommandDefinition(
                "SELECT id, job FROM follow_ups WHERE status = 'scheduled' ORDER BY due_at, seq", cancellationToken: cancellationToken))];
        if (rows.Count == 0)
            return 0;
        var known = new HashSet<string>(StringComparer.Ordinal);
        var query = new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(Group) };
        foreach (var header in (await Quartz.QueryTriggers(query, cancellationToken)).Items)
            known.Add(header.Key.Name);
        var handed = 0;
        foreach (var (id, json) in rows.Where(r => !known.Contains(r.Id)))
        {
            await HandToQuartzAsync(StoreJson.DeserializeJob(json), cancellationToken);
            handed++;
        }
        return handed;
    }

    internal void ReportFailure(string jobId, Exception exception) => logger.FollowUpFailed(exception, jobId);

    public async ValueTask DisposeAsync()
    {
        if (_quartz is { } quartz)
            await quartz.Shutdown(waitForJobsToComplete: true);
        _quartz = null;
        IsReady = false;
    }

    private async Task FireAsync(FollowUpJob job, CancellationToken cancellationToken)
    {
        await using var unit = EngineUnit.Begin(database, job.ConversationId, time, (connection, transaction, ct) => MarkFiredAsync(connection, transaction, job.Id, ct));
        await (_handler ?? throw new InvalidOperationException("the follow-up scheduler is not started")).FireAsync(job, cancellationToken);
        foreach (var failure in await unit.CompleteAsync(cancellationToken))
            logger.AfterCommitFailed(failure, job.ConversationId);
    }

    private async Task<string?> ScheduledJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT job FROM follow_ups WHERE id = @jobId AND status = 'scheduled'", new { jobId }, cancellationToken: cancellationToken));
    }

    private async Task<bool> MarkFiredAsync(SqliteConnection connection, SqliteTransaction transaction, string jobId, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE follow_ups SET status = 'fired', done_at = @at WHERE id = @jobId AND status = 'scheduled'",
            new { jobId, at = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) == 1;

    private async Task<bool> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, FollowUpJob job, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO follow_ups (id, seq, conversation_id, flow_id, follow_up_id, due_at, status, job, created_at)
            VALUES (@Id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM follow_ups), @ConversationId, @FlowId, @FollowUpId, @due, 'scheduled', @json, @at)
            ON CONFLICT (id) DO NOTHING
            """,
            new { job.Id, job.ConversationId, job.FlowId, job.FollowUpId, due = job.DueAt.ToUnixTimeMilliseconds(), json = StoreJson.SerializeJob(job), at = time.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken)) == 1;

    private async Task HandToQuartzAsync(FollowUpJob job, CancellationToken cancellationToken)
    {
        var detail = JobBuilder.Create<FollowUpQuartzJob>()
            .WithIdentity(job.Id, Group)
            .WithDescription($"{job.FollowUpId} for {job.ConversationId}")
            .UsingJobData(JobDataKey, StoreJson.SerializeJob(job))
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create(time)
            .WithIdentity(job.Id, Group)
            .ForJob(detail)
            .StartAt(job.DueAt)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        try
        {
            await Quartz.ScheduleJob(detail, trigger, cancellationToken: cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // handed before (a reconciliation raced the commit's hand-over): one Quartz job per follow-up
        }
    }
}
