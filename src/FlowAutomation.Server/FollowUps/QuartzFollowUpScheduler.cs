using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;
using Quartz;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// Follow-ups on Quartz with its persistent SQLite store (the <c>QRTZ_</c> tables in the service's database).
/// The <c>follow_ups</c> table (<see cref="SqliteFollowUpTable"/>) is the record of truth and Quartz is the timer: one
/// job per follow-up, its data the <see cref="FollowUpJob"/> as JSON, a one-shot trigger at the due time that fires at
/// once when it was missed (the service was down), and recovery requested so a firing cut short by a crash runs again.
/// The engine writes the rows in its commit; once the commit is durable this scheduler, as an
/// <see cref="ICommitListener"/>, hands the new follow-ups to Quartz and takes the cancelled ones back. A firing runs
/// the engine, whose commit sets the row <c>fired</c> (a row no longer <c>scheduled</c> is skipped), so each follow-up
/// takes effect exactly once. A row without its Quartz job (a crash between the commit and the hand-over) is handed
/// again by <see cref="ReconcileAsync"/>, which runs on start and periodically. Used on its own (the scheduler
/// contract), <see cref="ScheduleAsync"/> and <see cref="CancelAsync"/> write the row in a transaction of their own.
/// </summary>
internal sealed class QuartzFollowUpScheduler(SqliteDatabase database, TimeProvider time, ILogger<QuartzFollowUpScheduler> logger)
    : IFollowUpScheduler, ICommitListener, IAsyncDisposable
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
        if (await database.WriteAsync((connection, transaction) => SqliteFollowUpTable.InsertAsync(connection, transaction, job, time.GetUtcNow(), cancellationToken), cancellationToken))
            await HandToQuartzAsync(job, cancellationToken);
    }

    public async ValueTask<bool> CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!await database.WriteAsync((connection, transaction) => SqliteFollowUpTable.CancelAsync(connection, transaction, jobId, time.GetUtcNow(), cancellationToken), cancellationToken))
            return false;
        // A Quartz job left behind (a crash before this) finds its row cancelled and does nothing.
        await Quartz.DeleteJob(new JobKey(jobId, Group), cancellationToken);
        return true;
    }

    public async ValueTask<IReadOnlyList<FollowUpJob>> PendingAsync(string conversationId, CancellationToken cancellationToken) =>
        await SqliteFollowUpTable.PendingAsync(database, conversationId, cancellationToken);

    /// <summary>
    /// After an engine commit: the follow-ups it cancelled leave Quartz, those it scheduled are handed to it. Before
    /// Quartz is started there is nothing to do: the start's reconciliation hands it every scheduled row.
    /// </summary>
    public async ValueTask CommittedAsync(EngineCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (_quartz is null)
            return;
        foreach (var job in commit.Cancel)
            await _quartz.DeleteJob(new JobKey(job.Id, Group), cancellationToken);
        foreach (var job in commit.Schedule)
            await HandToQuartzAsync(job, cancellationToken);
    }

    /// <summary>
    /// What a Quartz firing does (and what a test drives directly): skip a follow-up that is no longer scheduled, else
    /// hand it to the handler (the engine, whose commit sets the row <c>fired</c>), then set the row <c>fired</c> in case
    /// the handler committed nothing of its own (a no-op after the engine's commit).
    /// </summary>
    public async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            if (await SqliteFollowUpTable.ScheduledAsync(database, jobId, cancellationToken) is not { } job)
            {
                logger.FollowUpSkipped(jobId, "it is no longer scheduled (fired or cancelled before)");
                return;
            }
            await (_handler ?? throw new InvalidOperationException("the follow-up scheduler is not started")).FireAsync(job, cancellationToken);
            await database.WriteAsync((connection, transaction) => SqliteFollowUpTable.MarkFiredAsync(connection, transaction, jobId, time.GetUtcNow(), cancellationToken), cancellationToken);
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
        var rows = await SqliteFollowUpTable.AllScheduledAsync(database, cancellationToken);
        if (rows.Count == 0)
            return 0;
        var known = new HashSet<string>(StringComparer.Ordinal);
        var query = new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(Group) };
        foreach (var header in (await Quartz.QueryTriggers(query, cancellationToken)).Items)
            known.Add(header.Key.Name);
        var handed = 0;
        foreach (var job in rows.Where(r => !known.Contains(r.Id)))
        {
            await HandToQuartzAsync(job, cancellationToken);
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
