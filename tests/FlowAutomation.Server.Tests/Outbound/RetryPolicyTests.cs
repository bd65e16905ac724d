using FlowAutomation.Server.Outbox;

namespace FlowAutomation.Server.Tests.Outbound;

public sealed class RetryPolicyTests
{
    /// <summary>A Random whose NextDouble is fixed, to pin the jitter.</summary>
    internal sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }

    private static RetryPolicy Policy(double jitter) =>
        new(new OutboxOptions { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromMinutes(1) }, new FixedRandom(jitter));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(40, 30)]
    public void DelayAfter_LowestJitter_IsHalfOfTheCappedExponential(int attempts, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy(0).DelayAfter(attempts, null));
    }

    [Fact]
    public void DelayAfter_HighestJitter_ApproachesTheFullDelay()
    {
        var delay = Policy(0.999).DelayAfter(3, null);

        Assert.InRange(delay, TimeSpan.FromSeconds(7.99), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public void DelayAfter_RetryAfterLonger_IsTheFloor()
    {
        Assert.Equal(TimeSpan.FromSeconds(45), Policy(0).DelayAfter(1, TimeSpan.FromSeconds(45)));
        Assert.Equal(TimeSpan.FromSeconds(8), Policy(0).DelayAfter(4, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void DelayAfter_RealRandom_StaysWithinJitterBounds()
    {
        var policy = new RetryPolicy(new OutboxOptions { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromMinutes(1) }, new Random(7));

        for (var attempts = 1; attempts <= 10; attempts++)
        {
            var ceiling = Math.Min(60, 2 * Math.Pow(2, attempts - 1));
            Assert.InRange(policy.DelayAfter(attempts, null).TotalSeconds, ceiling / 2, ceiling);
        }
    }
}
