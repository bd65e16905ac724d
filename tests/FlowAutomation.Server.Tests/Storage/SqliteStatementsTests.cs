using Dapper;
using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>The prepared commands kept per connection, and the follow-up insert that takes its order from the last row.</summary>
public sealed class SqliteStatementsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();

    public Task InitializeAsync() => _database.MigratedAsync();

    public async Task DisposeAsync()
    {
        await _database.Database.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Get_SameSqlOnOneConnection_SameCommandWithNewValues()
    {
        await using var connection = await _database.Database.OpenAsync();
        const string sql = "SELECT @a || '-' || COALESCE(@b, 'null')";

        var first = SqliteStatements.Get(connection, null, sql, "a", "b").Set(0, "x").Set(1, "y");
        var firstResult = first.ExecuteScalar();
        var second = SqliteStatements.Get(connection, null, sql, "a", "b").Set(0, "z").Set(1, null);
        var secondResult = second.ExecuteScalar();

        Assert.Same(first, second);
        Assert.Equal(("x-y", "z-null"), (firstResult, secondResult));
    }

    [Fact]
    public async Task Get_AnotherConnection_CommandOfItsOwn()
    {
        await using var one = await _database.Database.OpenAsync();
        await using var other = await _database.Database.OpenAsync();

        var onOne = SqliteStatements.Get(one, null, "SELECT 1");
        var onOther = SqliteStatements.Get(other, null, "SELECT 1");

        Assert.NotSame(onOne, onOther);
        Assert.Same(other, onOther.Connection);
    }

    [Fact]
    public async Task FollowUpInsert_SeveralRows_SeqGrowsInInsertionOrder()
    {
        var store = new SqliteFollowUpStore(_database.Database);
        var due = Now.AddHours(1);
        foreach (var conversation in new[] { "c-3", "c-1", "c-2" })
            Assert.True(await store.InsertAsync(new FollowUpJob(conversation, "u-1", "nudge", "nudge#1", Now, due, FlowEvent.TextReceived(Now, "hi")), Now, default));
        // A follow-up written before is left as it is, and takes no number.
        Assert.False(await store.InsertAsync(new FollowUpJob("c-1", "u-1", "nudge", "nudge#1", Now, due, FlowEvent.TextReceived(Now, "hi")), Now, default));

        await using var connection = await _database.Database.OpenAsync();
        var rows = (await connection.QueryAsync<(string Conversation, long Seq)>("SELECT conversation_id, seq FROM follow_ups ORDER BY due_at, seq")).ToList();

        Assert.Equal([("c-3", 1L), ("c-1", 2L), ("c-2", 3L)], rows);
    }
}
