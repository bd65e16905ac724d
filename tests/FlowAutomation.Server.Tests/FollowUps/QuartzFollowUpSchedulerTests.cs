using System.Threading.Channels;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Tests.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;
using SchedulingClock = FlowAutomation.Scheduling.ManualTimeProvider;

namespace FlowAutomation.Server.Tests.FollowUps;

/// <summary>
/// The follow-up contract on real Quartz (persistent SQLite store) running on the test's manual clock: the
/// adapter moves the clock to each due time and waits until Quartz has fired (and the firing has committed).
/// </summary>
public sealed class QuartzFollowUpSchedulerTests : FollowUpSchedulerContractTests, IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly TempDatabase _database = new();
    private readonly Channel<string> _completed = Channel.CreateUnbounded<string>();
    private QuartzFollowUpScheduler? _scheduler;

    public Task InitializeAsync() => _database.MigratedAsync();

    public async Task DisposeAsync()
    {
        if (_scheduler is not null)
            await _scheduler.DisposeAsync();
        await _database.Database.DisposeAsync();
        _database.Dispose();
    }

    protected override IFollowUpScheduler Create(SchedulingClock clock, RecordingHandler handler)
    {
        _scheduler = new QuartzFollowUpScheduler(_database.Database, clock, NullLogger<QuartzFollowUpScheduler>.Instance);
        _scheduler.Completed += id => _completed.Writer.TryWrite(id);
        Task.Run(() => _scheduler.StartAsync(handler)).GetAwaiter().GetResult();
        return _scheduler;
    }

    protected override async Task RunUntilAsync(IFollowUpScheduler scheduler, SchedulingClock clock, RecordingHandler handler, DateTimeOffset until)
    {
        var quartz = (QuartzFollowUpScheduler)scheduler;
        while (await NextDueAsync(until) is { } next)
        {
            var due = await DueAtAsync(next);
            if (next > clock.GetUtcNow())
                clock.SetUtcNow(next);
            for (var i = 0; i < due; i++)
                await _completed.Reader.ReadAsync().AsTask().WaitAsync(Guard);
        }
        if (until > clock.GetUtcNow())
            clock.SetUtcNow(until);
        Assert.True(quartz.IsStarted);
    }

    private async Task<DateTimeOffset?> NextDueAsync(DateTimeOffset until)
    {
        await using var connection = await _database.Database.OpenAsync();
        var next = await Dapper.SqlMapper.ExecuteScalarAsync<long?>(connection,
            "SELECT MIN(due_at) FROM follow_ups WHERE status = 'scheduled' AND due_at <= @until", new { until = until.ToUnixTimeMilliseconds() });
        return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    private async Task<int> DueAtAsync(DateTimeOffset at)
    {
        await using var connection = await _database.Database.OpenAsync();
        return (int)await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection,
            "SELECT COUNT(*) FROM follow_ups WHERE status = 'scheduled' AND due_at = @at", new { at = at.ToUnixTimeMilliseconds() });
    }
}
