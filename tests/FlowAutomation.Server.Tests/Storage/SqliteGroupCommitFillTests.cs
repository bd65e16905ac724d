using Dapper;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The group commit's fill wait (<c>Storage:GroupCommitWait</c>, <see cref="SqliteGroupCommit.Expect"/>): a batch smaller
/// than the writers announced waits for them on its clock, at most that long, and never when nobody is announced; and the
/// webhooks' intake writes in the same shared transaction. The clock is a fake that moves only when a test moves it, so a
/// write that would wait for it finishes only through the signal under test.
/// </summary>
public sealed class SqliteGroupCommitFillTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly TempDatabase _file = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly List<int> _batches = [];
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_file.ConnectionString) { GroupCommitWait = Wait, WaitClock = _clock };
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
    public async Task WriteAsync_NobodyAnnounced_ALoneWriteCommitsWithoutWaiting()
    {
        var start = _clock.GetTimestamp();

        var result = await Write(1).WaitAsync(Guard);

        Assert.Equal(1, result);
        Assert.Equal([1], Batches());
        Assert.Equal(start, _clock.GetTimestamp());
    }

    [Fact]
    public async Task WriteAsync_ThreeWritersAnnounced_TheirWritesCommitInOneBatch()
    {
        using var first = _database.Group.Expect();
        using var second = _database.Group.Expect();
        using var third = _database.Group.Expect();

        var writes = new[] { Write(1), Write(2), Write(3) };

        var results = await Task.WhenAll(writes).WaitAsync(Guard);

        Assert.Equal([1, 2, 3], results);
        Assert.Equal([3], Batches());
        Assert.Equal(3, await RowsAsync());
    }

    [Fact]
    public async Task WriteAsync_AnnouncedWriterNeverWrites_TheBatchWaitsThenCommitsAloneWhenTheWaitIsOver()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _database.Group.WaitingToFill += () => waiting.TrySetResult();
        using var writer = _database.Group.Expect();
        using var silent = _database.Group.Expect();
        var write = Write(1);

        await waiting.Task.WaitAsync(Guard);
        var committedBeforeTheWait = write.IsCompleted;
        _clock.Advance(Wait);

        Assert.False(committedBeforeTheWait);
        Assert.Equal(1, await write.WaitAsync(Guard));
        Assert.Equal([1], Batches());
    }

    [Fact]
    public async Task WriteAsync_AnnouncedWriterLeavesWithoutWriting_TheBatchCommitsAtOnce()
    {
        using var writer = _database.Group.Expect();
        var leaving = _database.Group.Expect();
        var start = _clock.GetTimestamp();
        var write = Write(1);

        leaving.Dispose();

        Assert.Equal(1, await write.WaitAsync(Guard));
        Assert.Equal([1], Batches());
        Assert.Equal(start, _clock.GetTimestamp());
    }

    [Fact]
    public async Task WriteAsync_FillWaitZero_AnnouncedWritersAreNotWaitedFor()
    {
        await using var database = new SqliteDatabase(_file.ConnectionString) { GroupCommitWait = TimeSpan.Zero, WaitClock = _clock };
        using var writer = database.Group.Expect();
        using var other = database.Group.Expect();

        var written = await database.WriteSharedAsync((connection, transaction) =>
            connection.ExecuteAsync("CREATE TABLE fill_default (n INTEGER NOT NULL); INSERT INTO fill_default (n) VALUES (1)", transaction: transaction), _ => true).WaitAsync(Guard);

        Assert.Equal(1, written);
    }

    [Fact]
    public async Task AcceptAsync_AWebhookRecord_TakenInTheSharedTransaction()
    {
        var processor = new InboxProcessor(_database, new NoRunner(), _clock, Options.Create(new InboxOptions()), NullLogger<InboxProcessor>.Instance);
        await using var inbox = new SqliteInbox(_database, processor, _clock, NullLogger<SqliteInbox>.Instance);
        var at = _clock.GetUtcNow();
        var record = new IgnoredEvent { Provider = WebhookProvider.TikTok, ProviderMessageId = "e-1", DedupKey = "tiktok:ignored:e-1", OccurredAt = at, ReceivedAt = at, EventName = "im_auto_message_config_update" };

        var accepted = await inbox.AcceptAsync([record]).AsTask().WaitAsync(Guard);

        Assert.Equal(new InboundAcceptance(1, 0), accepted);
        Assert.Equal([1], Batches());
        await using var connection = await _database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE dedup_key = 'tiktok:ignored:e-1'"));
        processor.Dispose();
    }

    private Task<int> Write(int n) =>
        _database.WriteSharedAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS fill_test (n INTEGER NOT NULL)", transaction: transaction);
            await connection.ExecuteAsync("INSERT INTO fill_test (n) VALUES (@n)", new { n }, transaction);
            return n;
        }, _ => true);

    private async Task<long> RowsAsync()
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM fill_test");
    }

    /// <summary>The batch sizes reported so far (the writer adds to them on its own thread).</summary>
    private int[] Batches()
    {
        lock (_batches)
            return [.. _batches];
    }

    private sealed class NoRunner : IInboxItemRunner
    {
        public Task<bool> RunAsync(InboxItem item, CancellationToken cancellationToken) => throw new InvalidOperationException("the processor is not started");
    }
}
