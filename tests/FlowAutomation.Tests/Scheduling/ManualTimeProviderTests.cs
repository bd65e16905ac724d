using FlowAutomation.Scheduling;

namespace FlowAutomation.Tests.Scheduling;

public sealed class ManualTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Advance_MovesTheClock()
    {
        var clock = new ManualTimeProvider(Start);

        clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(Start.AddHours(2), clock.GetUtcNow());
    }

    [Fact]
    public void SetUtcNow_TimeWithAnOffsetThenUtc_ReadsBackEachAsSet()
    {
        // The clock is read without a lock: UTC times as ticks, a time with another offset held whole.
        var clock = new ManualTimeProvider(Start);
        var singapore = new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.FromHours(8));

        clock.SetUtcNow(singapore);
        var first = clock.GetUtcNow();
        clock.SetUtcNow(Start.AddHours(11));
        var second = clock.GetUtcNow();

        Assert.True(first.EqualsExact(singapore), $"{first:O}");
        Assert.True(second.EqualsExact(Start.AddHours(11)), $"{second:O}");
    }

    [Fact]
    public void SetUtcNow_Backwards_Throws()
    {
        var clock = new ManualTimeProvider(Start);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetUtcNow(Start.AddSeconds(-1)));
    }

    [Fact]
    public async Task Delay_CompletesOnlyWhenTheClockPassesItsDueTime()
    {
        var clock = new ManualTimeProvider(Start);
        var delay = Task.Delay(TimeSpan.FromMinutes(5), clock);

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
        Assert.True(delay.IsCompletedSuccessfully);
    }

    [Fact]
    public void CreateTimer_Periodic_FiresOncePerPeriodPassed()
    {
        var clock = new ManualTimeProvider(Start);
        var fired = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        clock.Advance(TimeSpan.FromMinutes(3.5));

        Assert.Equal([Start.AddMinutes(1), Start.AddMinutes(2), Start.AddMinutes(3)], fired);
        Assert.Equal(Start.AddMinutes(3.5), clock.GetUtcNow());
    }
}
