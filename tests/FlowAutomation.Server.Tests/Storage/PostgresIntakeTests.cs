using Dapper;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
using FlowAutomation.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The PostgreSQL inbox's round trips: requests that arrive together share one transaction (group commit) and a record
/// that cannot be stored fails only its own request; a customer's message is taken in one statement that writes the row
/// only for a new key; and a node reads a conversation's pending rows in the round trip that takes its lock, with a
/// snapshot taken once the lock is held.
/// </summary>
public sealed class PostgresIntakeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 0, 0, TimeSpan.Zero));
    private TempPostgresDatabase _database = null!;
    private PostgresInboxProcessor _processor = null!;
    private PostgresInbox _inbox = null!;

    public async Task InitializeAsync()
    {
        _database = await TempPostgresDatabase.CreateAsync();
        // Not started: the rows stay pending for the test to look at.
        _processor = new PostgresInboxProcessor(_database.Database, new NoRunner(), _time, Options.Create(new InboxOptions()), NullLogger<PostgresInboxProcessor>.Instance);
        _inbox = new PostgresInbox(_database.Database, _processor, _time, NullLogger<PostgresInbox>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _inbox.DisposeAsync();
        _processor.Dispose();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task AcceptAsync_SameMessageTwice_SecondIsADuplicateAndOneRowIsPending()
    {
        Assert.Equal(new InboundAcceptance(1, 0), await _inbox.AcceptAsync(Records("m-1", "conv-1")));
        Assert.Equal(new InboundAcceptance(0, 1), await _inbox.AcceptAsync(Records("m-1", "conv-1")));

        await using var connection = await _database.Database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending' AND conversation_id = 'conv-1'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbound_dedup"));
    }

    [Fact]
    public async Task GroupCommit_OneRequestsRecordCannotBeStored_OtherRequestsInTheBatchTaken()
    {
        await using (var setup = await _database.Database.OpenAsync())
            await setup.ExecuteAsync("""
                CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poisoned'; END $$;
                CREATE TRIGGER poison BEFORE INSERT ON inbox FOR EACH ROW WHEN (NEW.dedup_key = 'infobip:inbound:poison') EXECUTE FUNCTION poison();
                """);
        var requests = Enumerable.Range(0, 21).Select(i => Records(i == 10 ? "poison" : $"m-{i}", $"conv-{i}")).ToList();

        // Another node is taking m-0's key: the writer waits on it with the first request, every other request queues
        // behind it, and they are then written in one or more group commits, the poisoned request sharing one.
        Task<InboundAcceptance>[] taken;
        await using (var other = await _database.Database.OpenAsync())
        await using (var holding = await other.BeginTransactionAsync())
        {
            await other.ExecuteAsync("INSERT INTO inbound_dedup (key, received_at) VALUES ('infobip:inbound:m-0', 0)", transaction: holding);
            taken = [.. requests.Select(records => _inbox.AcceptAsync(records).AsTask())];
            await holding.RollbackAsync();
        }
        await Task.WhenAll(taken.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.All(taken.Where((_, i) => i != 10), t => Assert.Equal(new InboundAcceptance(1, 0), t.Result));
        Assert.IsType<RecordsNotTakenException>(taken[10].Exception!.InnerException);
        await using var connection = await _database.Database.OpenAsync();
        Assert.Equal(20, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbound_dedup WHERE key = 'infobip:inbound:poison'"));
    }

    [Fact]
    public async Task LockAndReadAsync_AnotherNodeHoldsTheConversation_WithoutWaitingReadsNothing()
    {
        await _inbox.AcceptAsync(Records("m-1", "conv-held"));
        await using var other = await _database.Database.OpenAsync();
        await using var running = await other.BeginTransactionAsync();
        await PostgresInboxTable.LockAsync(other, running, "conv-held", CancellationToken.None);

        await using var connection = await _database.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        Assert.Null(await PostgresInboxTable.LockAndReadAsync(connection, transaction, "conv-held", wait: false, 100, CancellationToken.None));
    }

    [Fact]
    public async Task LockAndReadAsync_WaitsForTheNodeHoldingIt_ReadsOnlyTheRowsStillPendingAfterItsCommit()
    {
        await _inbox.AcceptAsync(Records("m-1", "conv-held"));
        await _inbox.AcceptAsync(Records("m-2", "conv-held"));
        await using var other = await _database.Database.OpenAsync();
        await using var running = await other.BeginTransactionAsync();
        await PostgresInboxTable.LockAsync(other, running, "conv-held", CancellationToken.None);

        // This node asks while the other holds the conversation; the other then runs the first row and lets go.
        await using var connection = await _database.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var read = PostgresInboxTable.LockAndReadAsync(connection, transaction, "conv-held", wait: true, 100, CancellationToken.None);
        await other.ExecuteAsync("UPDATE inbox SET status = 'done' WHERE dedup_key = 'infobip:inbound:m-1'", transaction: running);
        await running.CommitAsync();

        var held = await read.WaitAsync(TimeSpan.FromSeconds(30));
        var row = Assert.Single(held!.Rows);
        Assert.Contains("m-2", ((InboxEvent)InboxIntake.ItemOf(row.Seq, row.Kind, row.Payload)).Event.EventId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockAndReadAsync_ConversationStoredWithFollowUps_ReadsItsStateAndScheduledFollowUpsWithTheRows()
    {
        await _inbox.AcceptAsync(Records("m-1", "conv-1"));
        var store = new PostgresEngineStore(_database.Database, [], _time, NullLogger<PostgresEngineStore>.Instance);
        var now = _time.GetUtcNow();
        var job = new FollowUpJob("conv-1", "user-1", "f", "nudge", now, now.AddHours(1), FlowAutomation.Model.FlowEvent.TextReceived(now, "hi"));
        await store.CommitAsync(new EngineCommit(ConversationState.New("conv-1", "user-1").WithTag("vip"), [], [], [job], [], [], null), CancellationToken.None);

        await using var connection = await _database.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var held = await PostgresInboxTable.LockAndReadAsync(connection, transaction, "conv-1", wait: false, 100, CancellationToken.None);

        Assert.Single(held!.Rows);
        Assert.Equal(1, held.State!.Version);
        Assert.Contains("vip", held.State.Tags);
        Assert.Equal(job.Id, Assert.Single(held.FollowUps).Id);
    }

    [Fact]
    public async Task LockAndReadAsync_NothingStoredForTheConversation_NoStateAndNoFollowUps()
    {
        await _inbox.AcceptAsync(Records("m-1", "conv-new"));

        await using var connection = await _database.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var held = await PostgresInboxTable.LockAndReadAsync(connection, transaction, "conv-new", wait: true, 100, CancellationToken.None);

        Assert.Single(held!.Rows);
        Assert.Null(held.State);
        Assert.Empty(held.FollowUps);
    }

    [Fact]
    public async Task PendingConversationsAsync_RowsTakenSinceTheTakeOverAge_LeftToTheNodeThatTookThem()
    {
        await _inbox.AcceptAsync(Records("m-old", "conv-old"));
        _time.Advance(TimeSpan.FromSeconds(5));
        await _inbox.AcceptAsync(Records("m-new", "conv-new"));
        await _inbox.AcceptAsync(Records("m-old-2", "conv-old"));

        var since = _time.GetUtcNow() - TimeSpan.FromSeconds(5);
        Assert.Equal(["conv-old"], await PostgresInboxTable.PendingConversationsAsync(_database.Database, since, 256, CancellationToken.None));
        Assert.Equal(["conv-old", "conv-new"], await PostgresInboxTable.PendingConversationsAsync(_database.Database, _time.GetUtcNow(), 256, CancellationToken.None));
        Assert.Equal(["conv-old"], await PostgresInboxTable.PendingConversationsAsync(_database.Database, _time.GetUtcNow(), 1, CancellationToken.None));
        Assert.Empty(await PostgresInboxTable.PendingConversationsAsync(_database.Database, _time.GetUtcNow(), 0, CancellationToken.None));
    }

    [Fact]
    public void Pooling_NothingSet_NoResetOnCloseAndStatementsPrepared()
    {
        var pooled = new NpgsqlConnectionStringBuilder(PostgresDatabase.Pooling("Host=db;Database=flows"));

        Assert.True(pooled.NoResetOnClose);
        Assert.Equal(64, pooled.MaxAutoPrepare);
    }

    [Fact]
    public void Pooling_ConnectionStringSetsThem_ItsSettingsKept()
    {
        var pooled = new NpgsqlConnectionStringBuilder(PostgresDatabase.Pooling("Host=db;No Reset On Close=false;Max Auto Prepare=0"));

        Assert.False(pooled.NoResetOnClose);
        Assert.Equal(0, pooled.MaxAutoPrepare);
    }

    private IReadOnlyList<InboundRecord> Records(string messageId, string conversationId) =>
        new InfobipWebhookParser(_time).ParseInbound(System.Text.Encoding.UTF8.GetBytes(Payloads.InfobipMessage(messageId, conversationId, "user-1", $"text {messageId}"))).Records;

    private sealed class NoRunner : IInboxItemRunner
    {
        public Task<bool> RunAsync(InboxItem item, CancellationToken cancellationToken) => throw new InvalidOperationException("the processor is not started in these tests");
    }
}
