using FlowAutomation.Model;
using FlowAutomation.Scheduling;

namespace FlowAutomation.Tests.Scheduling;

/// <summary>
/// What every follow-up scheduler must do, whatever it stores jobs in. The virtual scheduler inherits it here;
/// the Hangfire scheduler of the live service inherits it in the server tests.
/// </summary>
public abstract class FollowUpSchedulerContractTests
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    protected sealed class RecordingHandler : IFollowUpHandler
    {
        public List<(FollowUpJob Job, DateTimeOffset At)> Fired { get; } = [];

        public TimeProvider? Clock { get; set; }

        public ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken)
        {
            lock (Fired)
            {
                Fired.Add((job, Clock?.GetUtcNow() ?? default));
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Creates the scheduler under test; it must call <paramref name="handler"/> for due jobs.</summary>
    protected abstract IFollowUpScheduler Create(ManualTimeProvider clock, RecordingHandler handler);

    /// <summary>Moves time to <paramref name="until"/> and returns when every job due by then has been handed to the handler.</summary>
    protected abstract Task RunUntilAsync(IFollowUpScheduler scheduler, ManualTimeProvider clock, RecordingHandler handler, DateTimeOffset until);

    /// <summary>
    /// Returns when the scheduler has done all it would do at the clock's current time: a scheduler that fires early
    /// has fired by then. A test that asserts nothing fired waits for this first.
    /// </summary>
    protected virtual Task SettleAsync(IFollowUpScheduler scheduler, ManualTimeProvider clock) => Task.CompletedTask;

    protected static FollowUpJob Job(string followUpId, TimeSpan after, string conversation = "c-1") =>
        new(conversation, "u-1", followUpId.Split('#')[0], followUpId, Start, Start + after, FlowEvent.TextReceived(Start, "hi"));

    private (IFollowUpScheduler Scheduler, ManualTimeProvider Clock, RecordingHandler Handler) Setup()
    {
        var clock = new ManualTimeProvider(Start);
        var handler = new RecordingHandler { Clock = clock };
        return (Create(clock, handler), clock, handler);
    }

    [Fact]
    public async Task Schedule_DueJob_FiresOnceAtItsDueTime()
    {
        var (scheduler, clock, handler) = Setup();
        await scheduler.ScheduleAsync(Job("nudge#1", TimeSpan.FromHours(24)), default);

        await RunUntilAsync(scheduler, clock, handler, Start.AddHours(30));

        var fired = Assert.Single(handler.Fired);
        Assert.Equal("nudge#1", fired.Job.FollowUpId);
        Assert.Equal(Start.AddHours(24), fired.At);
    }

    [Fact]
    public async Task Schedule_NotYetDue_NeverFiresEarly()
    {
        var (scheduler, clock, handler) = Setup();
        await scheduler.ScheduleAsync(Job("nudge#1", TimeSpan.FromHours(24)), default);

        await RunUntilAsync(scheduler, clock, handler, Start.AddHours(23));
        await SettleAsync(scheduler, clock);

        Assert.Empty(handler.Fired);
        Assert.Single(await scheduler.PendingAsync("c-1", default));
    }

    [Fact]
    public async Task Schedule_DueInAFractionOfASecond_FiresAtItsDueTimeNotBefore()
    {
        var (scheduler, clock, handler) = Setup();
        var due = TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(400);
        await scheduler.ScheduleAsync(Job("nudge#1", due), default);

        await RunUntilAsync(scheduler, clock, handler, Start + due - TimeSpan.FromMilliseconds(1));
        await SettleAsync(scheduler, clock);
        var early = handler.Fired.Count;
        await RunUntilAsync(scheduler, clock, handler, Start + due);

        Assert.Equal(0, early);
        Assert.Equal(Start + due, Assert.Single(handler.Fired).At);
    }

    [Fact]
    public async Task Schedule_SameJobTwice_FiresOnce()
    {
        var (scheduler, clock, handler) = Setup();
        await scheduler.ScheduleAsync(Job("nudge#1", TimeSpan.FromHours(1)), default);
        await scheduler.ScheduleAsync(Job("nudge#1", TimeSpan.FromHours(1)), default);

        await RunUntilAsync(scheduler, clock, handler, Start.AddHours(2));

        Assert.Single(handler.Fired);
    }

    [Fact]
    public async Task Cancel_ScheduledJob_NeverFires()
    {
        var (scheduler, clock, handler) = Setup();
        var job = Job("nudge#1", TimeSpan.FromHours(1));
        await scheduler.ScheduleAsync(job, default);

        Assert.True(await scheduler.CancelAsync(job.Id, default));
        Assert.False(await scheduler.CancelAsync(job.Id, default));
        await RunUntilAsync(scheduler, clock, handler, Start.AddHours(2));

        Assert.Empty(handler.Fired);
    }

    [Fact]
    public async Task RunDue_SeveralJobs_FireInDueOrder()
    {
        var (scheduler, clock, handler) = Setup();
        await scheduler.ScheduleAsync(Job("b#1", TimeSpan.FromHours(3)), default);
        await scheduler.ScheduleAsync(Job("a#1", TimeSpan.FromHours(1)), default);
        await scheduler.ScheduleAsync(Job("c#1", TimeSpan.FromHours(2), conversation: "c-2"), default);

        await RunUntilAsync(scheduler, clock, handler, Start.AddHours(4));

        Assert.Equal(["a#1", "c#1", "b#1"], handler.Fired.Select(f => f.Job.FollowUpId));
    }

    [Fact]
    public async Task Pending_ListsOnlyTheConversationsJobsByDueTime()
    {
        var (scheduler, _, _) = Setup();
        await scheduler.ScheduleAsync(Job("b#1", TimeSpan.FromHours(3)), default);
        await scheduler.ScheduleAsync(Job("a#1", TimeSpan.FromHours(1)), default);
        await scheduler.ScheduleAsync(Job("c#1", TimeSpan.FromHours(2), conversation: "c-2"), default);

        var pending = await scheduler.PendingAsync("c-1", default);

        Assert.Equal(["a#1", "b#1"], pending.Select(j => j.FollowUpId));
    }
}

public sealed class VirtualFollowUpSchedulerTests : FollowUpSchedulerContractTests
{
    protected override IFollowUpScheduler Create(ManualTimeProvider clock, RecordingHandler handler) => new VirtualFollowUpScheduler(clock);

    protected override async Task RunUntilAsync(IFollowUpScheduler scheduler, ManualTimeProvider clock, RecordingHandler handler, DateTimeOffset until) =>
        await ((VirtualFollowUpScheduler)scheduler).RunDueAsync(until, handler, default);

    [Fact]
    public async Task RunDue_JobScheduledWhileFiring_FiresWhenDueInTime()
    {
        var clock = new ManualTimeProvider(Start);
        var scheduler = new VirtualFollowUpScheduler(clock);
        var chained = new ChainingHandler(scheduler, clock);
        await scheduler.ScheduleAsync(Job("a#1", TimeSpan.FromHours(1)), default);

        await scheduler.RunDueAsync(Start.AddHours(3), chained, default);

        Assert.Equal(["a#1", "a#1.1"], chained.Fired);
        Assert.Equal(Start.AddHours(3), clock.GetUtcNow());
    }

    [Fact]
    public async Task RunDue_NothingWaitingThenScheduledAndCancelled_FiresOnlyWhatWaits()
    {
        // RunDue skips its lock while no job waits: the count it reads must follow schedules, cancels and firings.
        var clock = new ManualTimeProvider(Start);
        var scheduler = new VirtualFollowUpScheduler(clock);
        var handler = new RecordingHandler { Clock = clock };
        Assert.Equal(0, await scheduler.RunDueAsync(Start.AddHours(1), handler, default));

        await scheduler.ScheduleAsync(Job("a#1", TimeSpan.FromHours(2)), default);
        var cancelled = Job("b#1", TimeSpan.FromHours(3));
        await scheduler.ScheduleAsync(cancelled, default);
        Assert.True(await scheduler.CancelAsync(cancelled.Id, default));

        Assert.Equal(1, await scheduler.RunDueAsync(Start.AddHours(4), handler, default));
        await scheduler.ScheduleAsync(Job("c#1", TimeSpan.FromHours(5)), default);
        Assert.Equal(1, await scheduler.RunDueAsync(Start.AddHours(6), handler, default));
        Assert.Equal(["a#1", "c#1"], handler.Fired.Select(f => f.Job.FollowUpId));
    }

    private sealed class ChainingHandler(VirtualFollowUpScheduler scheduler, ManualTimeProvider clock) : IFollowUpHandler
    {
        public List<string> Fired { get; } = [];

        public async ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken)
        {
            Fired.Add(job.FollowUpId);
            if (job.FollowUpId == "a#1")
            {
                await scheduler.ScheduleAsync(job with { FollowUpId = "a#1.1", ActivatedAt = clock.GetUtcNow(), DueAt = clock.GetUtcNow().AddHours(1) }, cancellationToken);
            }
        }
    }
}
