namespace FlowAutomation.Server.Tests.Support;

/// <summary>The server tests' clock: a <see cref="FakeTimeProvider"/> that moves only when a test advances it.</summary>
internal static class TestClock
{
    /// <summary>Where every test's clock starts: Monday 2 June 2025, 09:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Create() => new(Start);
}
