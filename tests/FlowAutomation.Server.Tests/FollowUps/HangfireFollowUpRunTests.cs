using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.FollowUps;
using Hangfire;
using Hangfire.States;
using SchedulingClock = FlowAutomation.Scheduling.ManualTimeProvider;

namespace FlowAutomation.Server.Tests.FollowUps;

/// <summary>The measured Hangfire pitfalls, each handled: early starts, repeated runs, lost jobs, retries, cancelling.</summary>
public sealed class HangfireFollowUpRunTests : HangfireFollowUpFixture
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_SameFollowUpRunTwice_FiresOnce()
    {
        var clock = new SchedulingClock(Start);
        var handler = new CountingHandler();
        var scheduler = await StartAsync(NewStorage(), clock, handler, fire: false);
        var job = Job(TimeSpan.FromMinutes(5));
        await scheduler.ScheduleAsync(job, default);
        clock.SetUtcNow(job.DueAt);

        await scheduler.RunAsync(job.Id, default);
        await scheduler.RunAsync(job.Id, default);

        Assert.Equal(1, handler.Count);
        Assert.Equal("fired", await HangfireFollowUps.StatusAsync(TempDb.Database, job.Id));
    }

    [Fact]
    public async Task RunAsync_TwoRunsAtOnce_OnlyOneCommits()
    {
        var clock = new SchedulingClock(Start);
        var handler = new CountingHandler();
        var scheduler = await StartAsync(NewStorage(), clock, handler, fire: false);
        var job = Job(TimeSpan.FromMinutes(5));
        await scheduler.ScheduleAsync(job, default);
        clock.SetUtcNow(job.DueAt);

        await Task.WhenAll(Task.Run(() => scheduler.RunAsync(job.Id, default)), Task.Run(() => scheduler.RunAsync(job.Id, default)));

        // Both may reach the engine; only the run whose claim holds commits (the engine's work and the row's change).
        Assert.InRange(handler.Count, 1, 2);
        Assert.Equal("fired", await HangfireFollowUps.StatusAsync(TempDb.Database, job.Id));
        Assert.Empty(await scheduler.PendingAsync("c-1", default));
    }

    [Fact]
    public async Task ScheduleAsync_RecordsTheHangfireJobAtTheDueTime()
    {
        var storage = NewStorage();
        var scheduler = await StartAsync(storage, new SchedulingClock(Start), new CountingHandler(), fire: false);
        var job = Job(TimeSpan.FromHours(2) + TimeSpan.FromMilliseconds(250));

        await scheduler.ScheduleAsync(job, default);

        var row = Assert.Single(await HangfireFollowUps.RowsAsync(TempDb.Database));
        Assert.NotNull(row.HangfireJobId);
        using var connection = storage.GetConnection();
        var data = connection.GetJobData(row.HangfireJobId);
        Assert.Equal(ScheduledState.StateName, data.State);
        Assert.Equal(job.Id, data.Job.Args[0]);
        Assert.True(scheduler.IsLive(row.HangfireJobId, job.Id));
    }

    [Fact]
    public async Task CancelAsync_ScheduledFollowUp_DeletesItsHangfireJob()
    {
        var storage = NewStorage();
        var scheduler = await StartAsync(storage, new SchedulingClock(Start), new CountingHandler(), fire: false);
        var job = Job(TimeSpan.FromHours(2));
        await scheduler.ScheduleAsync(job, default);
        var hangfireJobId = Assert.Single(await HangfireFollowUps.RowsAsync(TempDb.Database)).HangfireJobId!;

        Assert.True(await scheduler.CancelAsync(job.Id, default));

        using var connection = storage.GetConnection();
        Assert.Equal(DeletedState.StateName, connection.GetJobData(hangfireJobId).State);
        Assert.Equal("cancelled", await HangfireFollowUps.StatusAsync(TempDb.Database, job.Id));
    }

    [Fact]
    public async Task StartAsync_AfterARestartWithEmptyStorage_HandsEveryPendingFollowUpOverOnce()
    {
        var clock = new SchedulingClock(Start);
        var before = await StartAsync(NewStorage(), clock, new CountingHandler(), fire: false);
        await before.ScheduleAsync(Job(TimeSpan.FromHours(1)), default);
        await before.ScheduleAsync(Job(TimeSpan.FromHours(2), "c-2"), default);
        await before.DisposeAsync();

        // In-memory storage forgets every job at a restart; the rows remember.
        var after = HangfireFollowUps.Create(TempDb.Database, NewStorage(), clock);
        Schedulers.Add(after);
        await after.StartAsync(new CountingHandler(), fire: false);
        var again = await after.ReconcileAsync();

        var rows = await HangfireFollowUps.RowsAsync(TempDb.Database);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.True(after.IsLive(r.HangfireJobId!, r.Id)));
        Assert.Equal(0, again);
    }

    [Fact]
    public async Task ReconcileAsync_RecordedIdNowNamesAnotherFollowUpsJob_HandsTheFollowUpOver()
    {
        var storage = NewStorage();
        var scheduler = await StartAsync(storage, new SchedulingClock(Start), new CountingHandler(), fire: false);
        var first = Job(TimeSpan.FromHours(1));
        var second = Job(TimeSpan.FromHours(2), "c-2");
        await scheduler.ScheduleAsync(first, default);
        await scheduler.ScheduleAsync(second, default);
        var secondsJob = (await HangfireFollowUps.RowsAsync(TempDb.Database)).Single(r => r.Id == second.Id).HangfireJobId;
        await using (var connection = await TempDb.Database.OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE follow_ups SET hangfire_job_id = @secondsJob WHERE id = @id", new { secondsJob, id = first.Id });

        var handed = await scheduler.ReconcileAsync();

        var rows = await HangfireFollowUps.RowsAsync(TempDb.Database);
        Assert.Equal(1, handed);
        Assert.Equal(2, rows.Select(r => r.HangfireJobId).Distinct().Count());
        Assert.All(rows, r => Assert.True(scheduler.IsLive(r.HangfireJobId!, r.Id)));
    }

    [Fact]
    public async Task ReconcileAsync_JobDeletedInHangfire_HandsTheFollowUpOverAgain()
    {
        var storage = NewStorage();
        var scheduler = await StartAsync(storage, new SchedulingClock(Start), new CountingHandler(), fire: false);
        await scheduler.ScheduleAsync(Job(TimeSpan.FromHours(1)), default);
        var first = Assert.Single(await HangfireFollowUps.RowsAsync(TempDb.Database)).HangfireJobId!;
        new BackgroundJobClient(storage).Delete(first); // say, from the dashboard

        var handed = await scheduler.ReconcileAsync();

        var row = Assert.Single(await HangfireFollowUps.RowsAsync(TempDb.Database));
        Assert.Equal(1, handed);
        Assert.NotEqual(first, row.HangfireJobId);
        Assert.True(scheduler.IsLive(row.HangfireJobId!, row.Id));
    }

    [Fact]
    public void FollowUpHangfireJob_AutomaticRetriesAreOff()
    {
        var retry = Assert.Single(typeof(FollowUpHangfireJob).GetCustomAttributes(typeof(AutomaticRetryAttribute), inherit: false).Cast<AutomaticRetryAttribute>());

        Assert.Equal(0, retry.Attempts);
        Assert.Equal(AttemptsExceededAction.Fail, retry.OnAttemptsExceeded);
    }

    [Fact]
    public async Task RunAsync_HandlerFails_FollowUpStaysScheduled()
    {
        var clock = new SchedulingClock(Start);
        var scheduler = await StartAsync(NewStorage(), clock, new FailingHandler(), fire: false);
        var job = Job(TimeSpan.FromMinutes(1));
        await scheduler.ScheduleAsync(job, default);
        clock.SetUtcNow(job.DueAt);

        await Assert.ThrowsAsync<InvalidOperationException>(() => scheduler.RunAsync(job.Id, default));

        Assert.Equal("scheduled", await HangfireFollowUps.StatusAsync(TempDb.Database, job.Id));
    }

    /// <summary>
    /// A run's <see cref="HangfireFollowUpScheduler.Completed"/> comes before Hangfire records the job's outcome; the
    /// scheduler's <c>Changed</c> also comes after it, so a listener that looks at each change sees <c>Succeeded</c>
    /// without polling (the two-node test on PostgreSQL waited for it and, without this change, now and then waited 60 s).
    /// </summary>
    [Fact]
    public async Task Changed_HangfireRecordsTheRunSucceeded_AListenerReadsItAfterTheCommit()
    {
        var clock = new SchedulingClock(Start);
        var storage = NewStorage();
        var signal = new SchedulerSignal();
        var scheduler = HangfireFollowUps.Create(TempDb.Database, storage, clock, signal);
        Schedulers.Add(scheduler);
        var job = Job(TimeSpan.FromMinutes(5));
        string? hangfireJobId = null;
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        scheduler.Changed += () =>
        {
            if (Volatile.Read(ref hangfireJobId) is { } id)
            {
                using var connection = storage.GetConnection();
                seen.Enqueue(connection.GetJobData(id)?.State);
                // The scheduler's own pulse (HangfireFollowUps.Create) ran before this handler: a waiter it woke may
                // have looked before this state was queued, so wake it again now that it is.
                signal.Pulse();
            }
        };
        await scheduler.StartAsync(new CountingHandler(), fire: true);

        await scheduler.ScheduleAsync(job, default);
        Volatile.Write(ref hangfireJobId, (await HangfireFollowUps.RowsAsync(TempDb.Database)).Single().HangfireJobId);
        await signal.WaitForAsync(() => Task.FromResult(scheduler.Waiting.Contains(job.Id)), "Hangfire's run to wait for the due time");
        clock.SetUtcNow(job.DueAt);
        await signal.WaitForAsync(() => Task.FromResult(seen.Contains(SucceededState.StateName)), "a change that finds the job succeeded");

        Assert.Equal("fired", await HangfireFollowUps.StatusAsync(TempDb.Database, job.Id));
    }

    /// <summary>
    /// On the system clock, with the service's default polling (1 s): Hangfire's schedule keeps whole seconds, so
    /// its run may start before a due time with milliseconds; the follow-up still fires at or after it.
    /// </summary>
    [Fact]
    public async Task Schedule_OnTheSystemClock_FiresNoEarlierThanItsDueTime()
    {
        var handler = new CountingHandler { Clock = TimeProvider.System };
        var scheduler = HangfireFollowUps.Create(TempDb.Database, NewStorage(), TimeProvider.System, polling: new FollowUpOptions().PollingInterval);
        Schedulers.Add(scheduler);
        await scheduler.StartAsync(handler, fire: true);
        var now = TimeProvider.System.GetUtcNow();
        var due = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(2).AddMilliseconds(900);
        var job = new FollowUpJob("c-1", "u-1", "nudge", "nudge#1", now, due, FlowEvent.TextReceived(now, "hi"));
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Completed += _ => completed.TrySetResult();

        await scheduler.ScheduleAsync(job, default);
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, handler.Count);
        Assert.True(handler.LastAt >= due, $"fired at {handler.LastAt:O}, due {due:O}");
    }

    private static FollowUpJob Job(TimeSpan after, string conversation = "c-1") =>
        new(conversation, "u-1", "nudge", "nudge#1", Start, Start + after, FlowEvent.TextReceived(Start, "hi"));

    private async Task<HangfireFollowUpScheduler> StartAsync(JobStorage storage, TimeProvider clock, IFollowUpHandler handler, bool fire)
    {
        var scheduler = HangfireFollowUps.Create(TempDb.Database, storage, clock);
        Schedulers.Add(scheduler);
        await scheduler.StartAsync(handler, fire);
        return scheduler;
    }

    private sealed class CountingHandler : IFollowUpHandler
    {
        private int _count;

        public TimeProvider? Clock { get; init; }

        public int Count => Volatile.Read(ref _count);

        public DateTimeOffset LastAt { get; private set; }

        public ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken)
        {
            LastAt = Clock?.GetUtcNow() ?? default;
            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FailingHandler : IFollowUpHandler
    {
        public ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken) => throw new InvalidOperationException("the engine failed");
    }
}
