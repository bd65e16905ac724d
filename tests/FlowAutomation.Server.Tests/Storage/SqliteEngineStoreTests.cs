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
/// An engine commit is one value written in one transaction: state, outbox rows, follow-ups, audit records and the
/// inbox row's marker all land together, or none of them does.
/// </summary>
public sealed class SqliteEngineStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();
    private readonly RecordingListener _listener = new();
    private SqliteEngineStore _store = null!;

    public async Task InitializeAsync()
    {
        await _database.MigratedAsync();
        _store = new SqliteEngineStore(_database.Database, [_listener], new FakeTimeProvider(Now), NullLogger<SqliteEngineStore>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _database.Database.DisposeAsync();
        _database.Dispose();
    }

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
        await using (var connection = await _database.Database.OpenAsync())
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

    private static EngineCommit Commit(ConversationState state, CompletedWork? completes, string key = "m", FollowUpJob? schedule = null)
    {
        var message = new OutgoingMessage($"c/{key}/1", state.ConversationId, "u-1", "f", new TextContent("hi"), Now, Now.AddHours(1));
        var trace = new EventTrace(Now, "message.received", "hi", 0);
        return new EngineCommit(state.WithTag(key), [message], [], [schedule ?? Job(state.ConversationId, key)], [], [trace], completes);
    }

    private static FollowUpJob Job(string conversation, string followUp = "later") =>
        new(conversation, "u-1", "f", followUp, Now, Now.AddHours(1), FlowEvent.TextReceived(Now, "hi"));

    private async Task<long> InboxRowAsync(string key)
    {
        var seq = await _database.Database.WriteAsync((connection, transaction) =>
            SqliteInboxTable.InsertAsync(connection, transaction, key, "test", "message", "c-1", "u-1", "{}", pending: true, Now));
        return seq!.Value;
    }

    private async Task<(long States, long Outbox, long FollowUps, long Audit, string InboxStatus)> CountsAsync(long seq)
    {
        await using var connection = await _database.Database.OpenAsync();
        return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversations"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM follow_ups"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit"),
            await connection.ExecuteScalarAsync<string>("SELECT status FROM inbox WHERE seq = @seq", new { seq }) ?? "none");
    }

    private sealed class RecordingListener : ICommitListener
    {
        public List<EngineCommit> Commits { get; } = [];

        public ValueTask CommittedAsync(EngineCommit commit, CancellationToken cancellationToken)
        {
            Commits.Add(commit);
            return ValueTask.CompletedTask;
        }
    }
}
