using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// Follow-ups on Hangfire. The <c>follow_ups</c> table (<see cref="IFollowUpStore"/>, either provider) is the record of truth —
/// every follow-up with its status (<c>scheduled</c>, <c>fired</c>, <c>cancelled</c>) and the id of the Hangfire job
/// that times it — and Hangfire is the timer: one job per follow-up carrying only the row's id, scheduled at the due
/// time (an absolute time on the injected clock). Only follow-ups due within <see cref="FollowUpOptions.HandOverHorizon"/>
/// have a job: the engine writes the rows in its commit; once the commit is durable this scheduler, as an
/// <see cref="ICommitListener"/>, hands those due within the horizon to Hangfire and deletes the jobs of cancelled ones.
/// Later ones wait in the table; the promotion pass (<see cref="PromoteAsync"/>, every
/// <see cref="FollowUpOptions.PromotionInterval"/>) hands them over as they fall due within the horizon. A row without a
/// live job (a crash between the commit and the hand-over, in-memory storage after a restart, a failed run) is handed
/// again by <see cref="ReconcileAsync"/>, on start and periodically. Used on
/// its own (the scheduler contract), <see cref="ScheduleAsync"/> and <see cref="CancelAsync"/> write the row in a
/// transaction of their own. How a run claims its row and waits out an early start: the <c>Running</c> part.
/// </summary>
internal sealed partial class HangfireFollowUpScheduler(
    IFollowUpStore followUps, JobStorage storage, TimeProvider time, IOptions<FollowUpOptions> options, ILogger<HangfireFollowUpScheduler> logger)
    : IFollowUpScheduler, ICommitListener, IAsyncDisposable
{
    /// <summary>The Hangfire queue follow-ups run on (a storage shared with other work keeps them apart).</summary>
    public const string Queue = "follow_ups";

    private static readonly System.Reflection.MethodInfo RunMethod = typeof(FollowUpHangfireJob).GetMethod(nameof(FollowUpHangfireJob.RunAsync))!;
    private readonly BackgroundJobClient _client = new(storage);
    private BackgroundJobServer? _server;
    private IFollowUpHandler? _handler;
    private CancellationTokenSource? _stopPromotion;
    private Task _promotion = Task.CompletedTask;

    /// <summary>Built and reconciled (firing or not).</summary>
    public bool IsReady { get; private set; }

    /// <summary>A Hangfire server runs follow-ups in this instance.</summary>
    public bool IsFiring => _server is not null;

    public JobStorage Storage => storage;

    /// <summary>
    /// Hands Hangfire the follow-ups it lacks, then (unless <paramref name="fire"/> is false) starts a Hangfire server
    /// that fires each due follow-up into <paramref name="handler"/>.
    /// </summary>
    public async Task StartAsync(IFollowUpHandler handler, bool fire = true, CancellationToken cancellationToken = default)
    {
        _handler = handler;
        var handed = await ReconcileAsync(cancellationToken);
        if (fire)
        {
            var activator = new FollowUpJobActivator(this);
            var serverOptions = new BackgroundJobServerOptions
            {
                Queues = [Queue],
                WorkerCount = options.Value.Workers,
                SchedulePollingInterval = options.Value.PollingInterval,
                Activator = activator,
            };
            // Hangfire's own parts, as the two-argument constructor builds them, but with a state changer that tells
            // this scheduler's listeners when Hangfire has committed a job's new state (a run's outcome included).
            // Hangfire 1.8 marks this constructor obsolete for 2.0 (which we do not use); it is the one that takes a
            // state changer.
            var filters = JobFilterProviders.Providers;
#pragma warning disable CS0618
            _server = new BackgroundJobServer(serverOptions, storage, [], filters, activator,
                new Hangfire.Client.BackgroundJobFactory(filters),
                new Hangfire.Server.BackgroundJobPerformer(filters, activator, serverOptions.TaskScheduler),
                new ReportingStateChanger(new BackgroundJobStateChanger(filters), () => Changed?.Invoke()));
#pragma warning restore CS0618
        }
        _stopPromotion = new CancellationTokenSource();
        _promotion = PromoteEveryIntervalAsync(_stopPromotion.Token);
        IsReady = true;
        logger.FollowUpsStarted(handed);
    }

    public async ValueTask ScheduleAsync(FollowUpJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (await followUps.InsertAsync(job, time.GetUtcNow(), cancellationToken) && WithinHorizon(job.DueAt))
            await HandOverAsync(job.Id, job.DueAt, replacing: null, cancellationToken);
    }

    public async ValueTask<bool> CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!await followUps.CancelAsync(jobId, time.GetUtcNow(), cancellationToken))
            return false;
        await DeleteJobOfAsync(jobId, cancellationToken);
        return true;
    }

    public async ValueTask<IReadOnlyList<FollowUpJob>> PendingAsync(string conversationId, CancellationToken cancellationToken) =>
        await followUps.PendingAsync(conversationId, cancellationToken);

    /// <summary>
    /// After an engine commit: the jobs of the follow-ups it cancelled are deleted, those it scheduled due within the
    /// horizon are handed over (the others wait for the promotion pass).
    /// </summary>
    public async ValueTask CommittedAsync(EngineCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        foreach (var job in commit.Cancel)
            await DeleteJobOfAsync(job.Id, cancellationToken);
        foreach (var job in commit.Schedule)
        {
            if (WithinHorizon(job.DueAt))
                await HandOverAsync(job.Id, job.DueAt, replacing: null, cancellationToken);
        }
    }

    /// <summary>
    /// Hands Hangfire every scheduled follow-up due within the horizon whose job is not live (never handed over,
    /// missing, deleted, failed, or forgotten by a restart); returns how many. Those already due are enqueued at once.
    /// </summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        var handed = 0;
        foreach (var (id, dueAt, hangfireJobId) in await followUps.HandOversAsync(HorizonEnd(), withoutJob: false, cancellationToken))
        {
            if (hangfireJobId is not null && IsLive(hangfireJobId, id))
                continue;
            if (await HandOverAsync(id, dueAt, hangfireJobId, cancellationToken))
                handed++;
        }
        return handed;
    }

    /// <summary>
    /// The promotion pass: hands Hangfire the scheduled follow-ups that fell due within the horizon and were never
    /// handed over (a cheap query on the rows without a job; <see cref="ReconcileAsync"/> also checks the jobs recorded);
    /// returns how many. On several nodes a racing pass loses the row's compare-and-swap and deletes its job.
    /// </summary>
    public async Task<int> PromoteAsync(CancellationToken cancellationToken = default)
    {
        var handed = 0;
        foreach (var (id, dueAt, _) in await followUps.HandOversAsync(HorizonEnd(), withoutJob: true, cancellationToken))
        {
            if (await HandOverAsync(id, dueAt, replacing: null, cancellationToken))
                handed++;
        }
        return handed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopPromotion is { } stop)
        {
            await stop.CancelAsync();
            await _promotion;
            stop.Dispose();
            _stopPromotion = null;
        }
        if (_server is { } server)
        {
            server.SendStop();
            await server.WaitForShutdownAsync(CancellationToken.None);
            server.Dispose();
        }
        _server = null;
        IsReady = false;
    }

    private DateTimeOffset HorizonEnd() => time.GetUtcNow() + options.Value.HandOverHorizon;

    private bool WithinHorizon(DateTimeOffset dueAt) => dueAt <= HorizonEnd();

    /// <summary>Runs <see cref="PromoteAsync"/> every promotion interval on the injected clock until stopped.</summary>
    private async Task PromoteEveryIntervalAsync(CancellationToken stop)
    {
        try
        {
            using var timer = new PeriodicTimer(options.Value.PromotionInterval, time);
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var handed = await PromoteAsync(stop);
                    if (handed > 0)
                        Changed?.Invoke();
                }
                catch (Exception exception) when (!stop.IsCancellationRequested)
                {
                    logger.FollowUpPromotionFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Whether Hangfire still holds the job, in a state that leads to a run, as the job of follow-up
    /// <paramref name="id"/> (a storage that started afresh may have given the id to another job).
    /// </summary>
    public bool IsLive(string hangfireJobId, string id)
    {
        using var connection = storage.GetConnection();
        var data = connection.GetJobData(hangfireJobId);
        var state = data?.State;
        return (state == ScheduledState.StateName || state == EnqueuedState.StateName || state == ProcessingState.StateName)
            && data?.Job?.Args is [string carried, ..] && carried == id;
    }

    /// <summary>
    /// Creates the Hangfire job of a follow-up (scheduled at its due time, or enqueued when it is due already) and
    /// records its id on the row, in place of <paramref name="replacing"/>. When the row changed meanwhile (fired,
    /// cancelled, or handed over by a racing reconciliation) the new job is deleted: one job per follow-up.
    /// </summary>
    private async Task<bool> HandOverAsync(string id, DateTimeOffset dueAt, string? replacing, CancellationToken cancellationToken)
    {
        // The job built from its method directly: an expression tree built and evaluated per follow-up cost more.
        var call = new Job(typeof(FollowUpHangfireJob), RunMethod, id, CancellationToken.None);
        IState state = dueAt <= time.GetUtcNow() ? new EnqueuedState(Queue) : new ScheduledState(dueAt.UtcDateTime);
        var hangfireJobId = _client.Create(call, state);
        var recorded = await followUps.RecordJobAsync(id, hangfireJobId, replacing, cancellationToken);
        if (!recorded)
            _client.Delete(hangfireJobId);
        return recorded;
    }

    /// <summary>Deletes the Hangfire job recorded on a follow-up's row; a job that survives finds its row no longer scheduled.</summary>
    private async Task DeleteJobOfAsync(string id, CancellationToken cancellationToken)
    {
        if (await followUps.JobOfAsync(id, cancellationToken) is { } hangfireJobId)
            _client.Delete(hangfireJobId);
    }
}
