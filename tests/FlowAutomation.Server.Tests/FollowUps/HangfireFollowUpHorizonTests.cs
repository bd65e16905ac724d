using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.FollowUps;
using Hangfire.InMemory;
using SchedulingClock = FlowAutomation.Scheduling.ManualTimeProvider;

namespace FlowAutomation.Server.Tests.FollowUps;

/// <summary>
/// The hand-over horizon with the service's defaults (10 minutes, promoted every minute): a follow-up due later waits
/// in the <c>follow_ups</c> table without a Hangfire job, is handed over once it falls due within the horizon, and
/// still fires once, at its due time; one cancelled before is never handed over; a restart hands over again only
/// what is within the horizon.
/// </summary>
public sealed class HangfireFollowUpHorizonTests : HangfireFollowUpFixture
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Horizon = new FollowUpOptions().HandOverHorizon;

    [Fact]
    public async Task ScheduleAsync_DueBeyondTheHorizon_WaitsInTheTableWithoutAJob()
    {
        var storage = NewStorage();
        await StartAsync(storage, new SchedulingClock(Start), fire: false, out var scheduler);

        await scheduler.ScheduleAsync(Job(TimeSpan.FromHours(24)), default);

        var row = Assert.Single(await HangfireFollowUps.RowsAsync(TempDb.Database));
        Assert.Null(row.HangfireJobId);
        Assert.Equal(0, storage.GetMonitoringApi().ScheduledCount());
    }

    [Fact]
    public async Task ScheduleAsync_DueWithinTheHorizon_HandedOverAtOnce()
    {
        var storage = NewStorage();
        await StartAsync(storage, new SchedulingClock(Start), fire: false, out var scheduler);
        var job = Job(Horizon - TimeSpan.FromMinutes(1));

        await scheduler.ScheduleAsync(job, default);

        var row = Assert.Single(await HangfireFollowUps.RowsAsync(TempDb.Database));
        Assert.True(scheduler.IsLive(row.HangfireJobId!, job.Id));
        Assert.Equal(1, storage.GetMonitoringApi().ScheduledCount());
    }

    [Fact]
    public async Task PromoteAsync_FollowUpFallsWithinTheHorizon_HandedOverOnce()
    {
        var clock = new SchedulingClock(Start);
        var storage = NewStorage();
        await StartAsync(storage, clock, fire: false, out var scheduler);
        var job = Job(TimeSpan.FromHours(1));
        await scheduler.ScheduleAsync(job, default);
        var tooEarly = await scheduler.PromoteAsync();

        clock.SetUtcNow(job.DueAt - Horizon + TimeSpan.FromSeconds(1));
        var promoted = await scheduler.PromoteAsync();
        var again = await scheduler.PromoteAsync();
        var reconciled = await scheduler.ReconcileAsync();

        var row = Assert.Single(await HangfireFollowUps.RowsAsync(TempDb.Database));
        Assert.Equal((0, 1, 0, 0), (tooEarly, promoted, again, reconciled));
        Assert.True(scheduler.IsLive(row.HangfireJobId!, job.Id));
        Assert.Equal(1, storage.GetMonitoringApi().ScheduledCount());
    }

    [Fact]
    public async Task Promotion_ClockReachesTheHorizon_FiresOnceAtTheDueTime()
    {
        var clock = new SchedulingClock(Start);
        var signal = new SchedulerSignal();
        var handler = new RecordingHandler(clock);
        var scheduler = HangfireFollowUps.Create(TempDb.Database, NewStorage(), clock, signal, options: new FollowUpOptions());
        Schedulers.Add(scheduler);
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Completed += _ => completed.TrySetResult();
        await scheduler.StartAsync(handler, fire: true);
        var job = Job(TimeSpan.FromHours(3));
        await scheduler.ScheduleAsync(job, default);

        // The promotion timer runs on the injected clock: moved to within the horizon, it hands the follow-up to
        // Hangfire, whose run (the start lies in the wall clock's past) waits on the clock for the due time.
        clock.SetUtcNow(job.DueAt - Horizon + TimeSpan.FromMinutes(2));
        await signal.WaitForAsync(() => Task.FromResult(scheduler.Waiting.Contains(job.Id)), "the promoted follow-up's run to wait for its due time");
        var firedBefore = handler.Fired.Count;
        clock.SetUtcNow(job.DueAt);
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, firedBefore);
        Assert.Equal(job.DueAt, Assert.Single(handler.Fired));
        Assert.Equal("fired", await HangfireFollowUps.StatusAsync(TempDb.Database, job.Id));
    }

    [Fact]
    public async Task CancelAsync_BeforeTheHorizon_NeverHandedOver()
    {
        var clock = new SchedulingClock(Start);
        var storage = NewStorage();
        await StartAsync(storage, clock, fire: false, out var scheduler);
        var job = Job(TimeSpan.FromHours(1));
        await scheduler.ScheduleAsync(job, default);

        Assert.True(await scheduler.CancelAsync(job.Id, default));
        clock.SetUtcNow(job.DueAt);
        var promoted = await scheduler.PromoteAsync();

        Assert.Equal(0, promoted);
        Assert.Equal("cancelled", await HangfireFollowUps.StatusAsync(TempDb.Database, job.Id));
        Assert.Equal(0, storage.GetMonitoringApi().ScheduledCount() + storage.GetMonitoringApi().EnqueuedCount(HangfireFollowUpScheduler.Queue));
    }

    [Fact]
    public async Task StartAsync_AfterARestartWithEmptyStorage_HandsOverOnlyWithinTheHorizon()
    {
        var clock = new SchedulingClock(Start);
        await StartAsync(NewStorage(), clock, fire: false, out var before);
        var soon = Job(TimeSpan.FromMinutes(5));
        var later = Job(TimeSpan.FromHours(24), "c-2");
        await before.ScheduleAsync(soon, default);
        await before.ScheduleAsync(later, default);
        await before.DisposeAsync();

        // In-memory storage forgets every job at a restart; the rows remember.
        var storage = NewStorage();
        await StartAsync(storage, clock, fire: false, out var after);

        var rows = (await HangfireFollowUps.RowsAsync(TempDb.Database)).ToDictionary(r => r.Id, r => r.HangfireJobId);
        Assert.True(after.IsLive(rows[soon.Id]!, soon.Id));
        Assert.Null(rows[later.Id]);
        Assert.Equal(1, storage.GetMonitoringApi().ScheduledCount());
    }

    private static FollowUpJob Job(TimeSpan after, string conversation = "c-1") =>
        new(conversation, "u-1", "nudge", "nudge#1", Start, Start + after, FlowEvent.TextReceived(Start, "hi"));

    /// <summary>A scheduler with the default horizon whose promotion timer stays out of the way: the test runs the pass itself.</summary>
    private Task StartAsync(InMemoryStorage storage, TimeProvider clock, bool fire, out HangfireFollowUpScheduler scheduler)
    {
        scheduler = HangfireFollowUps.Create(TempDb.Database, storage, clock, options: new FollowUpOptions { PromotionInterval = TimeSpan.FromDays(40) });
        Schedulers.Add(scheduler);
        return scheduler.StartAsync(new RecordingHandler(clock), fire);
    }

    private sealed class RecordingHandler(TimeProvider clock) : IFollowUpHandler
    {
        private readonly Lock _gate = new();
        private readonly List<DateTimeOffset> _fired = [];

        public IReadOnlyList<DateTimeOffset> Fired
        {
            get
            {
                lock (_gate)
                    return [.. _fired];
            }
        }

        public ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken)
        {
            lock (_gate)
                _fired.Add(clock.GetUtcNow());
            return ValueTask.CompletedTask;
        }
    }
}
