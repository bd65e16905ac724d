using FlowAutomation.Scheduling;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Tests.Scheduling;
using Hangfire.InMemory;
using SchedulingClock = FlowAutomation.Scheduling.ManualTimeProvider;

namespace FlowAutomation.Server.Tests.FollowUps;

/// <summary>
/// The follow-up contract on a real Hangfire server (in-memory storage) with the test's manual clock. The contract's
/// start lies in the wall clock's past, so Hangfire hands every job over at its first poll — long before it is due
/// on the manual clock — and each run waits out the rest on that clock: the path a job takes when Hangfire starts it
/// early. The adapter moves the clock only once the scheduler has settled (every scheduled follow-up waiting on the
/// clock, none due left unfired).
/// </summary>
public sealed class HangfireFollowUpSchedulerTests : FollowUpSchedulerContractTests, IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private readonly InMemoryStorage _storage = new();
    private readonly SchedulerSignal _signal = new();
    private HangfireFollowUpScheduler? _scheduler;

    public Task InitializeAsync() => _database.MigratedAsync();

    public async Task DisposeAsync()
    {
        if (_scheduler is not null)
            await _scheduler.DisposeAsync();
        _storage.Dispose();
        await _database.Database.DisposeAsync();
        _database.Dispose();
    }

    protected override IFollowUpScheduler Create(SchedulingClock clock, RecordingHandler handler)
    {
        _scheduler = HangfireFollowUps.Create(_database.Database, _storage, clock, _signal);
        Task.Run(() => _scheduler.StartAsync(handler, fire: true)).GetAwaiter().GetResult();
        return _scheduler;
    }

    protected override async Task RunUntilAsync(IFollowUpScheduler scheduler, SchedulingClock clock, RecordingHandler handler, DateTimeOffset until)
    {
        await SettleAsync(scheduler, clock);
        while (await HangfireFollowUps.NextDueAsync(_database.Database, until) is { } next)
        {
            if (next > clock.GetUtcNow())
                clock.SetUtcNow(next);
            await SettleAsync(scheduler, clock);
        }
        if (until > clock.GetUtcNow())
            clock.SetUtcNow(until);
        await SettleAsync(scheduler, clock);
    }

    protected override Task SettleAsync(IFollowUpScheduler scheduler, SchedulingClock clock) =>
        HangfireFollowUps.SettleAsync((HangfireFollowUpScheduler)scheduler, _database.Database, clock, _signal);
}
