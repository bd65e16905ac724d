using Dapper;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The engine store's contract, on both providers: an engine commit is one value written in one transaction — state,
/// outbox rows, follow-ups, audit records and the inbox row's marker all land together, or none of them does.
/// </summary>
public abstract class EngineStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private readonly RecordingListener _listener = new();
    private IEngineStore _store = null!;

    /// <summary>The provider's database, migrated and empty.</summary>
    private protected abstract Task<IServiceDatabase> CreateDatabaseAsync();

    private protected abstract IEngineStore CreateStore(IServiceDatabase database, ICommitListener listener, TimeProvider time);

    protected abstract Task DropDatabaseAsync();

    private protected IServiceDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        _store = CreateStore(Database, _listener, new FakeTimeProvider(Now));
    }

    public Task DisposeAsync() => DropDatabaseAsync();

    [Fact]
    public async Task CommitAsync_PendingInboxRow_WritesEverythingAndMarksTheRowDone()
    {
        var seq = await InboxRowAsync("k-1");

        var result = await _store.CommitAsync(Commit(ConversationState.New("c-1", "u-1"), new InboxRowDone(seq)), CancellationToken.None);

        Assert.Equal(CommitResult.Committed, result);
        Assert.Equal((1L, 1L, 1L, 1L, "done"), await CountsAsync(seq));
        Assert.Single(_listener.Commits);
    }

    [Fact]
    public async Task CommitAsync_InboxRowDoneBefore_WritesNothing()
    {
        var seq = await InboxRowAsync("k-1");
        await _store.CommitAsync(Commit(ConversationState.New("c-0", "u-0"), new InboxRowDone(seq)), CancellationToken.None);
        _listener.Commits.Clear();

        var result = await _store.CommitAsync(Commit(ConversationState.New("c-1", "u-1"), new InboxRowDone(seq)), CancellationToken.None);

        Assert.Equal(CommitResult.AlreadyDone, result);
        Assert.Null(await _store.FindAsync("c-1", CancellationToken.None));
        Assert.Equal((1L, 1L, 1L, 1L, "done"), await CountsAsync(seq)); // only the first commit's rows
        Assert.Empty(_listener.Commits);
    }

    [Fact]
    public async Task CommitAsync_StateChangedSinceRead_WritesNothingAndLeavesTheRowPending()
    {
        var seq = await InboxRowAsync("k-1");
        var read = ConversationState.New("c-1", "u-1");
        await _store.CommitAsync(Commit(read, null), CancellationToken.None);
        await using (var connection = await Database.OpenConnectionAsync())
            await connection.ExecuteAsync("DELETE FROM outbox; DELETE FROM follow_ups; DELETE FROM audit;");
        _listener.Commits.Clear();

        var result = await _store.CommitAsync(Commit(read, new InboxRowDone(seq), "again"), CancellationToken.None);

        Assert.Equal(CommitResult.Conflict, result);
        Assert.Equal((1L, 0L, 0L, 0L, "pending"), await CountsAsync(seq));
        Assert.Empty(_listener.Commits);
    }

    [Fact]
    public async Task CommitAsync_FollowUpFired_MarksItsRowFiredOnce()
    {
        var job = Job("c-1");
        await _store.CommitAsync(Commit(ConversationState.New("c-1", "u-1"), null, schedule: job), CancellationToken.None);
        var state = await _store.FindAsync("c-1", CancellationToken.None);

        var first = await _store.CommitAsync(Commit(state!, new FollowUpFired(job.Id), "fired"), CancellationToken.None);
        var again = await _store.CommitAsync(Commit((await _store.FindAsync("c-1", CancellationToken.None))!, new FollowUpFired(job.Id), "twice"), CancellationToken.None);

        Assert.Equal((CommitResult.Committed, CommitResult.AlreadyDone), (first, again));
        Assert.DoesNotContain(await _store.PendingFollowUpsAsync("c-1", CancellationToken.None), pending => pending.Id == job.Id);
    }

    [Fact]
    public async Task CommitAsync_SeveralTraceRecords_AuditRowsInTheirOrderWithEveryColumn()
    {
        var state = ConversationState.New("c-1", "u-1");
        TraceRecord[] trace =
        [
            new EventTrace(Now, "message.received", "hi", 0),
            new ActionTrace(Now.AddMilliseconds(1), "welcome", "reply", ActionStatus.Sent, null, "hello", "sent") { Node = "then[0]" },
            new ActionTrace(Now.AddMilliseconds(2), "nudge", "follow_up", ActionStatus.Skipped, "window_closed", null, "skipped"),
            new SummaryTrace(Now.AddMilliseconds(3), 1, ["welcome"], 1, 0, 0),
        ];
        var commit = new EngineCommit(state.WithTag("t"), [], [], [], [], trace, null);

        Assert.Equal(CommitResult.Committed, await _store.CommitAsync(commit, CancellationToken.None));

        Assert.Equal(ExpectedAuditRows("c-1", trace), await AuditRowsAsync());
    }

    [Fact]
    public async Task CommitAsync_EveryTraceKind_AuditColumnsAsTheyWereStored()
    {
        // The columns each kind of record fills, written out (as the rows were stored before the commit bound them
        // from a value instead of a row object per record): a column moved or dropped fails here, not only against Row.
        TraceRecord[] trace =
        [
            new EventTrace(Now, "message.received", "hi", 0),
            new RuleTrace(Now.AddMilliseconds(1), "welcome", "message", true, null, []),
            new RuleTrace(Now.AddMilliseconds(2), "late", "message", false, "no match", []),
            new ActionTrace(Now.AddMilliseconds(3), "nudge", "follow_up", ActionStatus.Skipped, "window_closed", null, "skipped") { Node = "then[1]" },
            new SummaryTrace(Now.AddMilliseconds(4), 1, ["welcome"], 1, 2, 0),
        ];
        var commit = new EngineCommit(ConversationState.New("c-1", "u-1").WithTag("t"), [], [], [], [], trace, null);

        Assert.Equal(CommitResult.Committed, await _store.CommitAsync(commit, CancellationToken.None));

        long at = Now.ToUnixTimeMilliseconds();
        Assert.Equal(
        [
            ("c-1", at, "event", null, null, "message.received", null, null, "hi"),
            ("c-1", at + 1, "rule", "welcome", null, "message", "fired", null, null),
            ("c-1", at + 2, "rule", "late", null, "message", "not_fired", null, "no match"),
            ("c-1", at + 3, "action", "nudge", "then[1]", "follow_up", "skipped", "window_closed", "skipped"),
            ("c-1", at + 4, "summary", null, null, null, null, null, "1 events, 1 sent, 2 blocked"),
        ], (await AuditRowsAsync()).Select(r => (r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, r.Item6, r.Item7, r.Item8, r.Item9)));
    }

    [Fact]
    public async Task CommitAsync_MoreTraceRecordsThanOneInsertTakes_EveryAuditRowInItsOrder()
    {
        // 37 records: two full multi-row inserts and a short one on SQLite (SqliteAuditLog.RowsPerInsert is 16).
        var trace = Enumerable.Range(0, 37).Select(TraceRecord (i) => i % 3 == 0
            ? new EventTrace(Now.AddMilliseconds(i), "message.received", $"m{i}", i)
            : new ActionTrace(Now.AddMilliseconds(i), $"flow-{i}", "tag", ActionStatus.Done, i % 2 == 0 ? "r" : null, $"d{i}", "done") { Node = $"then[{i}]" }).ToList();
        var commit = new EngineCommit(ConversationState.New("c-1", "u-1").WithTag("t"), [], [], [], [], trace, null);

        Assert.Equal(CommitResult.Committed, await _store.CommitAsync(commit, CancellationToken.None));

        Assert.Equal(ExpectedAuditRows("c-1", trace), await AuditRowsAsync());
    }

    [Fact]
    public async Task CommitAsync_SeveralMessagesOfEveryContent_OutboxRowsInTheirOrderWithEveryColumnIdsTakenSkipped()
    {
        var first = ConversationState.New("c-1", "u-1");
        await _store.CommitAsync(Commit(first, null, "pre"), CancellationToken.None); // the row c/pre/1, text "hi"
        var state = (await _store.FindAsync("c-1", CancellationToken.None))!;
        OutgoingMessage[] messages =
        [
            new("c/a/1", "c-1", "u-1", "welcome", new TextContent("one") { ReplyToMessageId = "r-1" }, Now, Now.AddHours(1)),
            new("c/a/2", "c-1", "u-1", "menu", new ImageContent("https://example.test/i.png"), Now.AddMilliseconds(1), Now.AddHours(2)),
            new("c/pre/1", "c-1", "u-1", "welcome", new TextContent("taken"), Now, Now.AddHours(1)),
            new("c/a/3", "c-2", "u-2", "share", new SharePostContent("p-1"), Now.AddMilliseconds(2), Now.AddHours(3)),
            new("c/a/1", "c-1", "u-1", "welcome", new TextContent("again"), Now, Now.AddHours(1)),
        ];
        var commit = new EngineCommit(state.WithTag("a"), messages, [], [], [], [new EventTrace(Now, "message.received", "hi", 0)], null);

        Assert.Equal(CommitResult.Committed, await _store.CommitAsync(commit, CancellationToken.None));

        long at = Now.ToUnixTimeMilliseconds(), hour = 3_600_000;
        Assert.Equal(
        [
            ("c/pre/1", "c-1", "u-1", "TEXT", "hi", null, null, null, at, at + hour, at, "f"),
            ("c/a/1", "c-1", "u-1", "TEXT", "one", "r-1", null, null, at, at + hour, at, "welcome"),
            ("c/a/2", "c-1", "u-1", "IMAGE", null, null, "https://example.test/i.png", null, at + 1, at + 2 * hour, at + 1, "menu"),
            ("c/a/3", "c-2", "u-2", "SHARE_POST", null, null, null, "p-1", at + 2, at + 3 * hour, at + 2, "share"),
        ], await OutboxRowsAsync());
    }

    /// <summary>Every outbox row in insertion order, with the columns an insert sets (sender, callback data, status and attempts apart).</summary>
    private async Task<List<(string, string?, string, string, string?, string?, string?, string?, long, long, long, string?)>> OutboxRowsAsync()
    {
        await using var connection = await Database.OpenConnectionAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM outbox WHERE sender IS NOT NULL OR callback_data IS NOT NULL OR status <> 'Pending' OR attempts <> 0"));
        return [.. await connection.QueryAsync<(string, string?, string, string, string?, string?, string?, string?, long, long, long, string?)>($"""
            SELECT id, conversation_id, destination, content_type, text, reply_to_message_id, media_url, post_id, created_at, expires_at, next_attempt_at, flow_id
            FROM outbox ORDER BY {OutboxInsertionOrder}
            """)];
    }

    /// <summary>The outbox's column of insertion order (<c>rowid</c> on SQLite, <c>seq</c> on PostgreSQL).</summary>
    private protected abstract string OutboxInsertionOrder { get; }

    private static IEnumerable<(string?, long, string, string?, string?, string?, string?, string?, string?, string)> ExpectedAuditRows(string conversationId, IEnumerable<TraceRecord> trace) =>
        trace.Select(r => SqliteAuditLog.Row(conversationId, r)).Select(r => (r.ConversationId, r.At, r.Kind, r.Flow, r.Node, r.Name, r.Status, r.Reason, r.Detail, r.Record));

    private async Task<List<(string?, long, string, string?, string?, string?, string?, string?, string?, string)>> AuditRowsAsync()
    {
        await using var connection = await Database.OpenConnectionAsync();
        return [.. await connection.QueryAsync<(string?, long, string, string?, string?, string?, string?, string?, string?, string)>(
            "SELECT conversation_id, at, kind, flow, node, name, status, reason, detail, record FROM audit ORDER BY seq")];
    }

    protected static EngineCommit Commit(ConversationState state, CompletedWork? completes, string key = "m", FollowUpJob? schedule = null)
    {
        var message = new OutgoingMessage($"c/{key}/1", state.ConversationId, "u-1", "f", new TextContent("hi"), Now, Now.AddHours(1));
        var trace = new EventTrace(Now, "message.received", "hi", 0);
        return new EngineCommit(state.WithTag(key), [message], [], [schedule ?? Job(state.ConversationId, key)], [], [trace], completes);
    }

    private static FollowUpJob Job(string conversation, string followUp = "later") =>
        new(conversation, "u-1", "f", followUp, Now, Now.AddHours(1), FlowEvent.TextReceived(Now, "hi"));

    protected async Task<long> InboxRowAsync(string key)
    {
        await using var connection = await Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO inbox (dedup_key, provider, kind, conversation_id, contact_id, received_at, payload, status)
            VALUES (@key, 'test', 'message', 'c-1', 'u-1', @at, '{}', 'pending') RETURNING seq
            """, new { key, at = Now.ToUnixTimeMilliseconds() });
    }

    protected async Task<(long States, long Outbox, long FollowUps, long Audit, string InboxStatus)> CountsAsync(long seq)
    {
        await using var connection = await Database.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversations"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM follow_ups"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit"),
            await connection.ExecuteScalarAsync<string>("SELECT status FROM inbox WHERE seq = @seq", new { seq }) ?? "none");
    }

    private protected sealed class RecordingListener : ICommitListener
    {
        public List<EngineCommit> Commits { get; } = [];

        public ValueTask CommittedAsync(EngineCommit commit, CancellationToken cancellationToken)
        {
            Commits.Add(commit);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The engine store's contract on SQLite.</summary>
public sealed class SqliteEngineStoreTests : EngineStoreContractTests
{
    private readonly TempDatabase _database = new();

    private protected override async Task<IServiceDatabase> CreateDatabaseAsync() => await _database.MigratedAsync();

    private protected override string OutboxInsertionOrder => "rowid";

    private protected override IEngineStore CreateStore(IServiceDatabase database, ICommitListener listener, TimeProvider time) =>
        new SqliteEngineStore((SqliteDatabase)database, [listener], time, NullLogger<SqliteEngineStore>.Instance);

    protected override async Task DropDatabaseAsync()
    {
        await _database.Database.DisposeAsync();
        _database.Dispose();
    }
}

/// <summary>The engine store's contract on PostgreSQL, and one inbox row committed by two nodes at once.</summary>
public sealed class PostgresEngineStoreTests : EngineStoreContractTests
{
    private TempPostgresDatabase _database = null!;

    private protected override async Task<IServiceDatabase> CreateDatabaseAsync()
    {
        _database = await TempPostgresDatabase.CreateAsync();
        return _database.Database;
    }

    private protected override string OutboxInsertionOrder => "seq";

    private protected override IEngineStore CreateStore(IServiceDatabase database, ICommitListener listener, TimeProvider time) =>
        new PostgresEngineStore((PostgresDatabase)database, [listener], time, NullLogger<PostgresEngineStore>.Instance);

    protected override async Task DropDatabaseAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task FindAndPendingFollowUps_ReadsKeptWithTheLock_EachTakenOnceThenReadFromTheTables()
    {
        var held = new PostgresHeldReads();
        var store = new PostgresEngineStore(_database.Database, [], new FakeTimeProvider(Now), NullLogger<PostgresEngineStore>.Instance, held);
        await store.CommitAsync(Commit(ConversationState.New("c-1", "u-1"), null), CancellationToken.None);
        var kept = ConversationState.New("c-1", "u-1").WithTag("kept");
        held.Keep("c-1", kept, []);

        var first = await store.FindAsync("c-1", CancellationToken.None);
        var firstJobs = await store.PendingFollowUpsAsync("c-1", CancellationToken.None);
        var second = await store.FindAsync("c-1", CancellationToken.None);
        var secondJobs = await store.PendingFollowUpsAsync("c-1", CancellationToken.None);

        Assert.Same(kept, first);
        Assert.Empty(firstJobs);
        Assert.Equal(1, second!.Version); // the table's row, as committed
        Assert.Single(secondJobs);
    }

    [Fact]
    public async Task FindAsync_NoStateKeptForTheConversation_ReadsTheTable()
    {
        var held = new PostgresHeldReads();
        var store = new PostgresEngineStore(_database.Database, [], new FakeTimeProvider(Now), NullLogger<PostgresEngineStore>.Instance, held);
        await store.CommitAsync(Commit(ConversationState.New("c-1", "u-1"), null), CancellationToken.None);
        held.Keep("c-2", null, []);
        held.Forget("c-1");

        Assert.Equal(1, (await store.FindAsync("c-1", CancellationToken.None))!.Version);
        Assert.Null(await store.FindAsync("c-2", CancellationToken.None)); // kept as none stored
    }

    [Fact]
    public async Task CommitAsync_LockTransactionKeptForTheRow_CommitsInItAndLetsTheLockGo()
    {
        var held = new PostgresHeldReads();
        var store = new PostgresEngineStore(_database.Database, [], new FakeTimeProvider(Now), NullLogger<PostgresEngineStore>.Instance, held);
        var seq = await InboxRowAsync("k-held");
        await using var connection = await KeepLockTransactionAsync(held, seq);

        var result = await store.CommitAsync(Commit(ConversationState.New("c-1", "u-1"), new InboxRowDone(seq)), CancellationToken.None);

        Assert.Equal(CommitResult.Committed, result);
        Assert.False(held.TryTakeTransaction(seq, out _)); // taken once
        await using var other = await _database.Database.OpenAsync();
        Assert.True(await other.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_xact_lock(hashtext('c-1'))")); // the commit ended the lock's transaction
        Assert.Equal("done", await other.ExecuteScalarAsync<string>("SELECT status FROM inbox WHERE seq = @seq", new { seq }));
        Assert.Equal(1, await other.ExecuteScalarAsync<long>("SELECT version FROM conversations WHERE id = 'c-1'"));
    }

    [Fact]
    public async Task CommitAsync_LockTransactionKeptForTheRowAlreadyDone_RollsItBackWritingNothing()
    {
        var held = new PostgresHeldReads();
        var store = new PostgresEngineStore(_database.Database, [], new FakeTimeProvider(Now), NullLogger<PostgresEngineStore>.Instance, held);
        var seq = await InboxRowAsync("k-held-done");
        await store.CommitAsync(Commit(ConversationState.New("c-0", "u-0"), new InboxRowDone(seq)), CancellationToken.None);
        await using var connection = await KeepLockTransactionAsync(held, seq);

        var result = await store.CommitAsync(Commit(ConversationState.New("c-1", "u-1"), new InboxRowDone(seq)), CancellationToken.None);

        Assert.Equal(CommitResult.AlreadyDone, result);
        await using var other = await _database.Database.OpenAsync();
        Assert.True(await other.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_xact_lock(hashtext('c-1'))")); // rolled back: the lock is free
        Assert.Equal(0, await other.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversations WHERE id = 'c-1'"));
    }

    [Fact]
    public async Task CommitAsync_LockTransactionKeptForTheRowStateChangedSinceRead_RollsItBackWritingNothing()
    {
        var held = new PostgresHeldReads();
        var store = new PostgresEngineStore(_database.Database, [], new FakeTimeProvider(Now), NullLogger<PostgresEngineStore>.Instance, held);
        var read = ConversationState.New("c-1", "u-1");
        await store.CommitAsync(Commit(read, null), CancellationToken.None);
        var seq = await InboxRowAsync("k-held-conflict");
        await using var connection = await KeepLockTransactionAsync(held, seq);

        var result = await store.CommitAsync(Commit(read, new InboxRowDone(seq), "again"), CancellationToken.None);

        Assert.Equal(CommitResult.Conflict, result);
        await using var other = await _database.Database.OpenAsync();
        Assert.True(await other.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_xact_lock(hashtext('c-1'))")); // rolled back: the lock is free
        Assert.Equal((1L, 1L, 1L, 1L, "pending"), await CountsAsync(seq)); // only the first commit's rows
    }

    /// <summary>Takes conversation c-1's lock in a transaction kept in <paramref name="held"/> for inbox row <paramref name="seq"/>; disposing the connection ends it.</summary>
    private async Task<Npgsql.NpgsqlConnection> KeepLockTransactionAsync(PostgresHeldReads held, long seq)
    {
        var connection = await _database.Database.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await PostgresInboxTable.LockAsync(connection, transaction, "c-1", CancellationToken.None);
        held.KeepTransaction(seq, connection, transaction);
        return connection;
    }

    [Fact]
    public async Task CommitAsync_TwoNodesCommitTheSameInboxRowAtOnce_ExactlyOneCommits()
    {
        var seq = await InboxRowAsync("k-race");
        await using var other = new PostgresDatabase(_database.ConnectionString);
        var nodes = new[]
        {
            CreateStore(Database, new RecordingListener(), new FakeTimeProvider(Now)),
            CreateStore(other, new RecordingListener(), new FakeTimeProvider(Now)),
        };

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
            await nodes[i % 2].CommitAsync(Commit(ConversationState.New($"c-{i}", "u-1"), new InboxRowDone(seq), $"m{i}"), CancellationToken.None))));

        Assert.Single(results, r => r == CommitResult.Committed);
        Assert.All(results.Where(r => r != CommitResult.Committed), r => Assert.Equal(CommitResult.AlreadyDone, r));
        Assert.Equal((1L, 1L, 1L, 1L, "done"), await CountsAsync(seq));
    }
}
