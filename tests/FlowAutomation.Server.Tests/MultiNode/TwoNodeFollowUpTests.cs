using Dapper;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.FollowUps;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.State;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;
using SchedulingClock = FlowAutomation.Scheduling.ManualTimeProvider;

namespace FlowAutomation.Server.Tests.MultiNode;

/// <summary>
/// Follow-ups on Hangfire.PostgreSql (with the project's Npgsql, not the one it asks for) shared by two nodes, each
/// running a Hangfire server: a follow-up scheduled on one node is timed once, and fires once whichever node runs it,
/// redeliveries on either node included.
/// </summary>
public sealed class TwoNodeFollowUpTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly List<HangfireFollowUpScheduler> _schedulers = [];
    private readonly List<PostgresDatabase> _nodes = [];
    private TempPostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TempPostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var scheduler in _schedulers)
            await scheduler.DisposeAsync();
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task FollowUp_TwoNodesFiringOnPostgres_RunsOnceThroughHangfireAndCommitsOnce()
    {
        var clock = new SchedulingClock(Start);
        var signal = new SchedulerSignal();
        var commits = new CommitCounter();
        var a = await StartNodeAsync(clock, signal, commits);
        var b = await StartNodeAsync(clock, signal, commits);
        var completed = 0;
        a.Completed += _ => Interlocked.Increment(ref completed);
        b.Completed += _ => Interlocked.Increment(ref completed);
        var job = new FollowUpJob("c-1", "u-1", "nudge", "nudge#1", Start, Start.AddMinutes(5), FlowEvent.TextReceived(Start, "hi"));

        await a.ScheduleAsync(job, default);
        var handedByB = await b.ReconcileAsync(); // node B sees node A's job live in the shared storage

        // Hangfire (on whichever node's server) picks the job up and waits out the due time on the manual clock.
        await signal.WaitForAsync(() => Task.FromResult(a.Waiting.Contains(job.Id) || b.Waiting.Contains(job.Id)), "a node's Hangfire run to wait for the due time");
        clock.SetUtcNow(job.DueAt);
        await signal.WaitForAsync(() => Task.FromResult(Volatile.Read(ref completed) >= 1), "the run to finish");
        // A redelivery on each node finds the row fired.
        await Task.WhenAll(a.RunAsync(job.Id, default), b.RunAsync(job.Id, default));

        Assert.Equal(0, handedByB);
        Assert.Equal(1, commits.Committed);
        await using var connection = await _database.Database.OpenAsync();
        var (status, hangfireJobId) = await connection.QuerySingleAsync<(string, string)>("SELECT status, hangfire_job_id FROM follow_ups WHERE id = @id", new { id = job.Id });
        Assert.Equal("fired", status);
        await signal.WaitForAsync(() => Task.FromResult(JobState(a, hangfireJobId) == SucceededState.StateName), "Hangfire to record the job succeeded");
    }

    private static string? JobState(HangfireFollowUpScheduler scheduler, string hangfireJobId)
    {
        using var connection = scheduler.Storage.GetConnection();
        return connection.GetJobData(hangfireJobId)?.State;
    }

    /// <summary>A node: its own connections, its own Hangfire.PostgreSql storage and server, the engine store's commit as the handler.</summary>
    private async Task<HangfireFollowUpScheduler> StartNodeAsync(SchedulingClock clock, SchedulerSignal signal, CommitCounter commits)
    {
        var database = new PostgresDatabase(_database.ConnectionString);
        _nodes.Add(database);
        var storage = FollowUpJobStorage.CreatePostgres(_database.ConnectionString, HangfireFollowUps.TestPolling);
        var scheduler = HangfireFollowUps.Create(new PostgresFollowUpStore(database), storage, clock, signal);
        _schedulers.Add(scheduler);
        scheduler.Completed += _ => signal.Pulse();
        var store = new PostgresEngineStore(database, [], clock, NullLogger<PostgresEngineStore>.Instance);
        await scheduler.StartAsync(new CommittingHandler(store, commits), fire: true);
        return scheduler;
    }

    private sealed class CommitCounter
    {
        private int _committed;

        public int Committed => Volatile.Read(ref _committed);

        public void Add(CommitResult result)
        {
            if (result == CommitResult.Committed)
                Interlocked.Increment(ref _committed);
        }
    }

    /// <summary>What the engine does with a due follow-up, reduced to its commit: the state and the row's claim in one transaction.</summary>
    private sealed class CommittingHandler(PostgresEngineStore store, CommitCounter commits) : IFollowUpHandler
    {
        public async ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken)
        {
            var state = await store.FindAsync(job.ConversationId, cancellationToken) ?? ConversationState.New(job.ConversationId, job.ContactId);
            commits.Add(await store.CommitAsync(new EngineCommit(state.WithTag("followed-up"), [], [], [], [], [], new FollowUpFired(job.Id)), cancellationToken));
        }
    }
}
