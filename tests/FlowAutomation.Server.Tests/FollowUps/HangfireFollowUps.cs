using Dapper;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Storage;
using Hangfire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.FollowUps;

/// <summary>Wakes a waiting test whenever the scheduler's runs change (a run waits, wakes or finishes).</summary>
internal sealed class SchedulerSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits, without sleeping, until <paramref name="condition"/> holds, re-checking at each pulse.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var next = Next; // taken before the look: whatever happens after it pulses this one
            if (await condition())
                return;
            try
            {
                await next.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }
        }
    }
}

/// <summary>Building a Hangfire follow-up scheduler for a test, and looking at its rows.</summary>
internal static class HangfireFollowUps
{
    /// <summary>Polls Hangfire's schedule often, so a test waits a tenth of a second rather than a second for a pick-up.</summary>
    public static readonly TimeSpan TestPolling = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The hand-over's own tests schedule follow-ups hours ahead and look at their Hangfire jobs: with this horizon every
    /// one of them is handed over at once. The horizon itself is tested with the service's default
    /// (<see cref="HangfireFollowUpHorizonTests"/>).
    /// </summary>
    public static readonly TimeSpan WholeYear = TimeSpan.FromDays(365);

    public static HangfireFollowUpScheduler Create(SqliteDatabase database, JobStorage storage, TimeProvider clock, SchedulerSignal? signal = null, TimeSpan? polling = null, FollowUpOptions? options = null) =>
        Create(new SqliteFollowUpStore(database), storage, clock, signal, polling, options);

    public static HangfireFollowUpScheduler Create(IFollowUpStore followUps, JobStorage storage, TimeProvider clock, SchedulerSignal? signal = null, TimeSpan? polling = null, FollowUpOptions? options = null)
    {
        options ??= new FollowUpOptions { HandOverHorizon = WholeYear };
        options.PollingInterval = polling ?? TestPolling;
        var scheduler = new HangfireFollowUpScheduler(followUps, storage, clock, Options.Create(options), NullLogger<HangfireFollowUpScheduler>.Instance);
        if (signal is not null)
            scheduler.Changed += signal.Pulse;
        return scheduler;
    }

    /// <summary>
    /// Settled: every scheduled follow-up's run waits on the clock, and none that is due is left unfired — a run that
    /// fires early has fired by then.
    /// </summary>
    public static Task SettleAsync(HangfireFollowUpScheduler scheduler, SqliteDatabase database, TimeProvider clock, SchedulerSignal signal) =>
        signal.WaitForAsync(async () =>
        {
            var waiting = scheduler.Waiting;
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var rows = await RowsAsync(database);
            return rows.All(r => r.DueAt > now && waiting.Contains(r.Id));
        }, "the follow-up scheduler to settle");

    public static async Task<DateTimeOffset?> NextDueAsync(SqliteDatabase database, DateTimeOffset until)
    {
        await using var connection = await database.OpenAsync();
        var next = await connection.ExecuteScalarAsync<long?>(
            "SELECT MIN(due_at) FROM follow_ups WHERE status = 'scheduled' AND due_at <= @until", new { until = until.ToUnixTimeMilliseconds() });
        return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public static async Task<List<(string Id, long DueAt, string? HangfireJobId)>> RowsAsync(SqliteDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return [.. await connection.QueryAsync<(string, long, string?)>("SELECT id, due_at, hangfire_job_id FROM follow_ups WHERE status = 'scheduled' ORDER BY due_at, seq")];
    }

    public static async Task<string?> StatusAsync(SqliteDatabase database, string id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<string?>("SELECT status FROM follow_ups WHERE id = @id", new { id });
    }
}

/// <summary>
/// What the Hangfire follow-up test classes share: a migrated SQLite database, Hangfire in-memory storages and the
/// schedulers a test starts, all disposed after it.
/// </summary>
public abstract class HangfireFollowUpFixture : IAsyncLifetime
{
    private readonly List<IDisposable> _storages = [];

    private protected TempDatabase TempDb { get; } = new();

    /// <summary>The schedulers a test started; each is disposed after the test.</summary>
    private protected List<HangfireFollowUpScheduler> Schedulers { get; } = [];

    public Task InitializeAsync() => TempDb.MigratedAsync();

    public async Task DisposeAsync()
    {
        foreach (var scheduler in Schedulers)
            await scheduler.DisposeAsync();
        foreach (var storage in _storages)
            storage.Dispose();
        await TempDb.Database.DisposeAsync();
        TempDb.Dispose();
    }

    private protected Hangfire.InMemory.InMemoryStorage NewStorage()
    {
        var storage = new Hangfire.InMemory.InMemoryStorage();
        _storages.Add(storage);
        return storage;
    }
}
