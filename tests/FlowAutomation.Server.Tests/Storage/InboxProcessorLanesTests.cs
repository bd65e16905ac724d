using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// How many events SQLite's inbox processor runs at once (<c>Inbox:Lanes</c>): one per lane, a conversation always in
/// the same lane. The runner here holds every event it is given until the test lets go, so the number held is the
/// number of lanes busy at once.
/// </summary>
public sealed class InboxProcessorLanesTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly TempDatabase _file = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_file.ConnectionString);
        await _database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _file.Database.DisposeAsync();
        _file.Dispose();
    }

    [Theory]
    [InlineData("Sqlite", null, 256)]
    [InlineData("Postgres", null, InboxOptions.PostgresDefaultLanes)]
    [InlineData("Postgres", "64", 64)]
    [InlineData("Sqlite", "32", 32)]
    public void Lanes_ByProviderAndSetting_PostgresDefaultOnlyWhenNotGiven(string provider, string? setting, int expected)
    {
        var options = ProviderOptions.Resolve<InboxOptions>(provider, InboxOptions.SectionName, nameof(InboxOptions.Lanes), setting);

        Assert.Equal(expected, options.Lanes);
    }

    [Fact]
    public async Task StartAsync_LanesNotSet_RunsMoreThanThirtyTwoConversationsAtOnce()
    {
        // 600 conversations over SQLite's 256 lanes reach about 230 distinct lanes; with the former default of 32 no more
        // than 32 events could ever be held at once, and the wait for 64 would end at the guard instead.
        var runner = new HoldingRunner(target: 64);
        var processor = new InboxProcessor(_database, runner, _clock, Options.Create(new InboxOptions()), NullLogger<InboxProcessor>.Instance);
        await processor.StartAsync(CancellationToken.None);
        try
        {
            for (var i = 1; i <= 600; i++)
                processor.Enqueue(new HeldItem(i, $"conversation-{i}"));

            await runner.Reached.WaitAsync(Guard);

            Assert.True(runner.MostAtOnce >= 64, $"held at once: {runner.MostAtOnce}");
        }
        finally
        {
            runner.Release();
            await processor.StopAsync(CancellationToken.None);
            processor.Dispose();
        }
    }

    [Fact]
    public async Task StartAsync_TwoEventsOfOneConversation_TheSecondWaitsForTheFirst()
    {
        var runner = new HoldingRunner(target: 1);
        var processor = new InboxProcessor(_database, runner, _clock, Options.Create(new InboxOptions()), NullLogger<InboxProcessor>.Instance);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = 0;
        processor.Finished += _ =>
        {
            if (Interlocked.Increment(ref done) == 2)
                finished.TrySetResult();
        };
        await processor.StartAsync(CancellationToken.None);
        try
        {
            processor.Enqueue(new HeldItem(1, "same"));
            processor.Enqueue(new HeldItem(2, "same"));
            await runner.Reached.WaitAsync(Guard);

            Assert.Equal([1L], runner.Started());

            runner.Release();
            await finished.Task.WaitAsync(Guard);
            Assert.Equal([1L, 2L], runner.Started());
            Assert.Equal(1, runner.MostAtOnce);
        }
        finally
        {
            runner.Release();
            await processor.StopAsync(CancellationToken.None);
            processor.Dispose();
        }
    }

    private sealed record HeldItem(long Seq, string ConversationId) : InboxItem(Seq, ConversationId);

    /// <summary>Holds each event until <see cref="Release"/>; <see cref="Reached"/> completes when <c>target</c> are held at once.</summary>
    private sealed class HoldingRunner(int target) : IInboxItemRunner
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<long> _started = [];
        private int _held;
        private int _most;

        public Task Reached => _reached.Task;

        public int MostAtOnce => Volatile.Read(ref _most);

        public long[] Started()
        {
            lock (_started)
                return [.. _started];
        }

        public void Release() => _release.TrySetResult();

        public async Task<bool> RunAsync(InboxItem item, CancellationToken cancellationToken)
        {
            lock (_started)
                _started.Add(item.Seq);
            var held = Interlocked.Increment(ref _held);
            int most;
            while (held > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, held, most) != most)
            {
            }
            if (held >= target)
                _reached.TrySetResult();
            await _release.Task;
            Interlocked.Decrement(ref _held);
            return true;
        }
    }
}
