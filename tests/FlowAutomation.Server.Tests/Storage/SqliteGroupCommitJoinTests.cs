using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// An intake write (the webhooks', queued first) that queues while a batch of engine writes is formed or run joins that
/// batch's transaction instead of waiting for it and then for a transaction of its own: it ends the batch's fill wait,
/// and runs after the engine write running when it queued once the batch has written for
/// <see cref="SqliteGroupCommit.IntakeJoinAfter"/>, else after the batch's last write; the engine writes not run by then
/// go to the next batch in their order. The batch's clock is a fake that moves only when a test moves it.
/// </summary>
public sealed class SqliteGroupCommitJoinTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly TempDatabase _file = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
    private readonly List<int> _batches = [];
    private readonly List<string> _order = [];
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_file.ConnectionString) { GroupCommitWait = TimeSpan.FromSeconds(5), WaitClock = _clock };
        await _database.MigrateAsync();
        _database.Group.BatchCommitted += size =>
        {
            lock (_batches)
                _batches.Add(size);
        };
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _file.Database.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task WriteSharedFirstAsync_QueuedWhileALongEngineBatchRuns_RunsBeforeTheRestOfTheBatchWhichGoesToTheNextOneInOrder()
    {
        Task<string>? intake = null;

        var engine = await QueuedWhileHeldAsync(
            ("e-1", () =>
            {
                // e-1 takes longer than the intake's wait: the intake queued meanwhile goes next, e-2 and e-3 after it.
                _clock.Advance(SqliteGroupCommit.IntakeJoinAfter + TimeSpan.FromMilliseconds(1));
                intake = Shared(first: true, "i-1");
            }),
            ("e-2", null),
            ("e-3", null));

        Assert.Equal(["e-1", "e-2", "e-3"], engine);
        Assert.Equal("i-1", await intake!.WaitAsync(Guard));
        Assert.Equal(["e-0", "e-1", "i-1", "e-2", "e-3"], Order());
        Assert.Equal([1, 2, 2], Batches());
    }

    [Fact]
    public async Task WriteSharedFirstAsync_QueuedWhileAShortEngineBatchRuns_JoinsItsTransactionAfterItsLastWrite()
    {
        Task<string>? intake = null;

        var engine = await QueuedWhileHeldAsync(("e-1", () => intake = Shared(first: true, "i-1")), ("e-2", null), ("e-3", null));

        Assert.Equal(["e-1", "e-2", "e-3"], engine);
        Assert.Equal("i-1", await intake!.WaitAsync(Guard));
        Assert.Equal(["e-0", "e-1", "e-2", "e-3", "i-1"], Order());
        Assert.Equal([1, 4], Batches());
    }

    [Fact]
    public async Task WriteSharedFirstAsync_QueuedWhileAnEngineBatchWaitsToFill_TheBatchStopsWaitingAndTakesIt()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _database.Group.WaitingToFill += () => waiting.TrySetResult();
        using var writer = _database.Group.Expect();
        using var silent = _database.Group.Expect();
        var engine = Shared(first: false, "e-1");
        await waiting.Task.WaitAsync(Guard);

        var intake = Shared(first: true, "i-1");

        Assert.Equal(["e-1", "i-1"], await Task.WhenAll(engine, intake).WaitAsync(Guard));
        Assert.Equal(["e-1", "i-1"], Order());
        Assert.Equal([2], Batches());
    }

    /// <summary>
    /// Holds the writer inside a batch of its own (the engine write <c>e-0</c>) until <paramref name="writes"/> (engine
    /// writes, each running its <c>Action</c> when it runs) are queued behind it, so that they form the next batch;
    /// returns their results.
    /// </summary>
    private async Task<string[]> QueuedWhileHeldAsync(params (string Name, Action? Running)[] writes)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = _database.WriteSharedAsync(async (_, _) =>
        {
            Record("e-0");
            running.SetResult();
            await release.Task;
            return "e-0";
        }, _ => true);
        await running.Task.WaitAsync(Guard);
        var queued = writes.Select(w => _database.WriteSharedAsync((_, _) =>
        {
            Record(w.Name);
            w.Running?.Invoke();
            return Task.FromResult(w.Name);
        }, _ => true)).ToArray();
        release.SetResult();
        await held.WaitAsync(Guard);
        return await Task.WhenAll(queued).WaitAsync(Guard);
    }

    private Task<string> Shared(bool first, string name)
    {
        Func<SqliteConnection, SqliteTransaction, Task<string>> work = (_, _) =>
        {
            Record(name);
            return Task.FromResult(name);
        };
        return first ? _database.WriteSharedFirstAsync(work, _ => true) : _database.WriteSharedAsync(work, _ => true);
    }

    private void Record(string name)
    {
        lock (_order)
            _order.Add(name);
    }

    private string[] Order()
    {
        lock (_order)
            return [.. _order];
    }

    /// <summary>The batch sizes reported so far (the writer adds to them on its own thread).</summary>
    private int[] Batches()
    {
        lock (_batches)
            return [.. _batches];
    }
}
