using Dapper;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The engine's commits share transactions (<see cref="SqliteDatabase.WriteSharedAsync{T}"/>): every commit in a batch stays all or
/// nothing on its own — one that conflicts or fails is undone alone — and a batch whose transaction dies leaves each of
/// its events pending, never half done. The batches are formed by holding the writer while the commits queue.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();
    private readonly List<string> _listened = [];
    private readonly List<int> _batches = [];
    private SqliteEngineStore _store = null!;

    public async Task InitializeAsync()
    {
        await _database.MigratedAsync();
        _store = new SqliteEngineStore(_database.Database, [new Listener(_listened)], new FakeTimeProvider(Now), NullLogger<SqliteEngineStore>.Instance);
        _database.Database.Group.BatchCommitted += size =>
        {
            lock (_batches)
                _batches.Add(size);
        };
    }

    public async Task DisposeAsync()
    {
        await _database.Database.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task CommitAsync_OneCommitOfTheBatchConflicts_OnlyItIsUndoneAndItsNeighboursAreKept()
    {
        await _store.CommitAsync(Commit(ConversationState.New("c-2", "u-2"), null, "first"), CancellationToken.None);
        var seqs = new[] { await InboxRowAsync("k-1"), await InboxRowAsync("k-2"), await InboxRowAsync("k-3") };
        _listened.Clear();

        var results = await WhileTheWriterIsHeldAsync(
            Commit(ConversationState.New("c-1", "u-1"), new InboxRowDone(seqs[0])),
            Commit(ConversationState.New("c-2", "u-2"), new InboxRowDone(seqs[1])), // read at version 0; c-2 is at 1: a conflict
            Commit(ConversationState.New("c-3", "u-3"), new InboxRowDone(seqs[2])));

        Assert.Equal([CommitResult.Committed, CommitResult.Conflict, CommitResult.Committed], results);
        Assert.Equal(["done", "pending", "done"], await InboxStatusesAsync(seqs));
        Assert.Equal(["c-1/m/1", "c-2/first/1", "c-3/m/1"], await OutboxIdsAsync());
        Assert.Equal(["c-1", "c-3"], _listened.Order(StringComparer.Ordinal));
        Assert.Contains(Batches(), size => size >= 2);
    }

    [Fact]
    public async Task CommitAsync_OneCommitOfTheBatchFailsHalfWritten_ItsWritesAreUndoneAndItsNeighboursAreKept()
    {
        await TriggerAsync("RAISE(ABORT, 'this conversation cannot be audited')");
        var seqs = new[] { await InboxRowAsync("k-1"), await InboxRowAsync("k-2"), await InboxRowAsync("k-3") };

        var results = WhileTheWriterIsHeldAsync(
            Commit(ConversationState.New("c-1", "u-1"), new InboxRowDone(seqs[0])),
            Commit(ConversationState.New("c-bad", "u-2"), new InboxRowDone(seqs[1])), // fails at its audit rows, its last writes
            Commit(ConversationState.New("c-3", "u-3"), new InboxRowDone(seqs[2])));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => results);
        Assert.Contains("cannot be audited", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["done", "pending", "done"], await InboxStatusesAsync(seqs));
        Assert.Equal(["c-1/m/1", "c-3/m/1"], await OutboxIdsAsync());
        Assert.Null(await _store.FindAsync("c-bad", CancellationToken.None));
        Assert.Equal(["c-1", "c-3"], _listened.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CommitAsync_TheSharedTransactionDiesMidBatch_EveryEventIsEitherDoneOrStillPending()
    {
        // RAISE(ROLLBACK) ends the whole transaction, as a crash would: the commits written before it in the batch go too.
        await TriggerAsync("RAISE(ROLLBACK, 'the transaction died')");
        var seqs = new[] { await InboxRowAsync("k-1"), await InboxRowAsync("k-2"), await InboxRowAsync("k-3") };
        var commits = new[]
        {
            Commit(ConversationState.New("c-1", "u-1"), new InboxRowDone(seqs[0])),
            Commit(ConversationState.New("c-bad", "u-2"), new InboxRowDone(seqs[1])),
            Commit(ConversationState.New("c-3", "u-3"), new InboxRowDone(seqs[2])),
        };

        var outcomes = await OutcomesWhileTheWriterIsHeldAsync(commits);

        Assert.IsNotType<CommitResult>(outcomes[1]);
        Assert.True(outcomes.Count(o => o is not CommitResult) >= 2, "a neighbour in the dying batch failed with it");
        var statuses = await InboxStatusesAsync(seqs);
        for (var i = 0; i < commits.Length; i++)
        {
            var done = outcomes[i] is CommitResult.Committed;
            Assert.Equal(done ? "done" : "pending", statuses[i]);
            Assert.Equal(done, await _store.FindAsync(commits[i].ConversationId, CancellationToken.None) is not null);
        }

        // The writer is usable afterwards: run again (as the inbox processor does), every event is done once.
        await using (var connection = await _database.Database.OpenAsync())
            await connection.ExecuteAsync("DROP TRIGGER fail_audit");
        for (var i = 0; i < commits.Length; i++)
        {
            if (outcomes[i] is not CommitResult.Committed)
                Assert.Equal(CommitResult.Committed, await _store.CommitAsync(commits[i], CancellationToken.None));
        }
        Assert.Equal(["done", "done", "done"], await InboxStatusesAsync(seqs));
        Assert.Equal(["c-1/m/1", "c-3/m/1", "c-bad/m/1"], await OutboxIdsAsync());
    }

    [Fact]
    public async Task CommitAsync_ManyConversationsAtOnce_EachIsCommittedOnceAndBatchesHoldSeveral()
    {
        var seqs = new long[40];
        for (var i = 0; i < seqs.Length; i++)
            seqs[i] = await InboxRowAsync($"k-{i}");

        var results = await WhileTheWriterIsHeldAsync([.. seqs.Select((seq, i) => Commit(ConversationState.New($"c-{i}", "u"), new InboxRowDone(seq)))]);

        Assert.All(results, r => Assert.Equal(CommitResult.Committed, r));
        Assert.All(await InboxStatusesAsync(seqs), s => Assert.Equal("done", s));
        var batches = Batches();
        Assert.Equal(40, batches.Sum());
        Assert.True(batches.Length <= 2, $"40 commits queued behind the writer were written in {batches.Length} transactions");
    }

    /// <summary>
    /// A caller that has its write's result finds the write's batch reported: the tests above read the batches once
    /// their commits returned (before, the callers were told first, and under load now and then a test read no batch).
    /// </summary>
    [Fact]
    public async Task BatchCommitted_AWriteCommits_RaisedBeforeItsCallerHasTheResult()
    {
        Task<int>? write = null;
        var seenDone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _database.Database.Group.BatchCommitted += _ => seenDone.TrySetResult(Volatile.Read(ref write)!.IsCompleted);

        // The writer is held until the write is queued, so the batch cannot commit before the test has its task.
        await using (await _database.Database.AcquireWriterAsync())
            Volatile.Write(ref write, _database.Database.WriteSharedAsync((_, _) => Task.FromResult(7), _ => true));

        Assert.Equal(7, await write);
        Assert.False(await seenDone.Task, "the caller had its result before the batch was reported");
    }

    /// <summary>
    /// The intake's writes (queued first) go into the next batch ahead of the engine's queued before them, in a batch of
    /// their own, so a queue of engine commits does not hold up the webhooks' replies; each kind keeps its own order, and
    /// every caller has its own result once its batch committed.
    /// </summary>
    [Fact]
    public async Task WriteSharedAsync_IntakeWritesQueuedBehindEngineWrites_TakenAheadInABatchOfTheirOwnEachKindInOrder()
    {
        var order = new List<string>();

        // e-1 holds the writer inside its batch until the others are queued behind it.
        var (held, queued) = await QueuedWhileHeldAsync(order, ("e-1", false), ("e-2", false), ("i-1", true), ("e-3", false), ("i-2", true));

        Assert.Equal("e-1", held);
        Assert.Equal(["e-2", "i-1", "e-3", "i-2"], queued);
        Assert.Equal(["e-1", "i-1", "i-2", "e-2", "e-3"], order);
        Assert.Equal([1, 2, 2], Batches());
    }

    [Fact]
    public async Task WriteSharedAsync_EngineWriteQueuedBehindAnIntakeBatch_TakenBeforeTheNextIntakeWrite()
    {
        var order = new List<string>();

        // i-1 (an intake batch) holds the writer while an engine write and the next intake write queue behind it.
        var (held, queued) = await QueuedWhileHeldAsync(order, ("i-1", true), ("e-1", false), ("i-2", true));

        Assert.Equal("i-1", held);
        Assert.Equal(["e-1", "i-2"], queued);
        Assert.Equal(["i-1", "e-1", "i-2"], order);
        Assert.Equal([1, 1, 1], Batches());
    }

    /// <summary>
    /// Runs <paramref name="holder"/>'s write, which holds the writer inside its batch until <paramref name="writes"/>
    /// are queued behind it (an intake write when <c>First</c>, else an engine write), then lets it go; each write
    /// records its name in <paramref name="order"/> as it runs. Returns each write's result.
    /// </summary>
    private async Task<(string Held, string[] Queued)> QueuedWhileHeldAsync(List<string> order, (string Name, bool First) holder, params (string Name, bool First)[] writes)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Shared(holder.First, async (_, _) =>
        {
            Record(order, holder.Name);
            running.SetResult();
            await release.Task;
            return holder.Name;
        });
        await running.Task;
        var queued = writes.Select(w => Shared(w.First, Write(order, w.Name))).ToArray();
        release.SetResult();
        return (await held, await Task.WhenAll(queued));
    }

    private Task<string> Shared(bool first, Func<Microsoft.Data.Sqlite.SqliteConnection, Microsoft.Data.Sqlite.SqliteTransaction, Task<string>> work) =>
        first ? _database.Database.WriteSharedFirstAsync(work, _ => true) : _database.Database.WriteSharedAsync(work, _ => true);

    private static void Record(List<string> order, string name)
    {
        lock (order)
            order.Add(name);
    }

    private static Func<Microsoft.Data.Sqlite.SqliteConnection, Microsoft.Data.Sqlite.SqliteTransaction, Task<string>> Write(List<string> order, string name) => (_, _) =>
    {
        Record(order, name);
        return Task.FromResult(name);
    };

    /// <summary>The batch sizes reported so far (the writer adds to them on its own thread).</summary>
    private int[] Batches()
    {
        lock (_batches)
            return [.. _batches];
    }

    /// <summary>Queues the commits while the writer connection is taken, so that they queue up and share batches.</summary>
    private async Task<CommitResult[]> WhileTheWriterIsHeldAsync(params EngineCommit[] commits)
    {
        Task<CommitResult>[] running;
        await using (await _database.Database.AcquireWriterAsync())
            running = [.. commits.Select(c => _store.CommitAsync(c, CancellationToken.None).AsTask())];
        return await Task.WhenAll(running);
    }

    /// <summary>As <see cref="WhileTheWriterIsHeldAsync"/>; each commit's result or the exception it ended with.</summary>
    private async Task<object[]> OutcomesWhileTheWriterIsHeldAsync(params EngineCommit[] commits)
    {
        Task<CommitResult>[] running;
        await using (await _database.Database.AcquireWriterAsync())
            running = [.. commits.Select(c => _store.CommitAsync(c, CancellationToken.None).AsTask())];
        var outcomes = new object[running.Length];
        for (var i = 0; i < running.Length; i++)
        {
            try
            {
                outcomes[i] = await running[i];
            }
            catch (Exception exception)
            {
                outcomes[i] = exception;
            }
        }
        return outcomes;
    }

    private static EngineCommit Commit(ConversationState state, CompletedWork? completes, string key = "m")
    {
        var message = new OutgoingMessage($"{state.ConversationId}/{key}/1", state.ConversationId, "u-1", "f", new TextContent("hi"), Now, Now.AddHours(1));
        var trace = new EventTrace(Now, "message.received", "hi", 0);
        return new EngineCommit(state.WithTag(key), [message], [], [], [], [trace], completes);
    }

    private async Task TriggerAsync(string raise)
    {
        await using var connection = await _database.Database.OpenAsync();
        await connection.ExecuteAsync($"CREATE TRIGGER fail_audit BEFORE INSERT ON audit WHEN NEW.conversation_id = 'c-bad' BEGIN SELECT {raise}; END");
    }

    private async Task<long> InboxRowAsync(string key)
    {
        var seq = await _database.Database.WriteAsync((connection, transaction) =>
            SqliteInboxTable.InsertAsync(connection, transaction, key, "test", "message", "c", "u", "{}", pending: true, Now));
        return seq!.Value;
    }

    private async Task<string[]> InboxStatusesAsync(long[] seqs)
    {
        await using var connection = await _database.Database.OpenAsync();
        var statuses = new string[seqs.Length];
        for (var i = 0; i < seqs.Length; i++)
            statuses[i] = await connection.ExecuteScalarAsync<string>("SELECT status FROM inbox WHERE seq = @seq", new { seq = seqs[i] }) ?? "none";
        return statuses;
    }

    private async Task<string[]> OutboxIdsAsync()
    {
        await using var connection = await _database.Database.OpenAsync();
        return [.. await connection.QueryAsync<string>("SELECT id FROM outbox ORDER BY id")];
    }

    private sealed class Listener(List<string> conversations) : ICommitListener
    {
        public ValueTask CommittedAsync(EngineCommit commit, CancellationToken cancellationToken)
        {
            lock (conversations)
                conversations.Add(commit.ConversationId);
            return ValueTask.CompletedTask;
        }
    }
}
