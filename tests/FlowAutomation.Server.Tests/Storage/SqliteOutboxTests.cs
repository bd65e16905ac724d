using Dapper;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Storage;

public sealed class SqliteOutboxTests : OutboxContractTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override async Task<IOutbox> CreateOutboxAsync() => new SqliteOutbox(await _database.MigratedAsync());

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Enqueue_InCallersTransactionRolledBack_LeavesNothing()
    {
        var database = await _database.MigratedAsync();
        var outbox = new SqliteOutbox(database);

        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = connection.BeginTransaction();
            Assert.True(await SqliteOutbox.EnqueueAsync(Message("m1"), connection, transaction));
            await transaction.RollbackAsync();
        }

        Assert.Null(await outbox.FindAsync("m1"));
    }

    [Fact]
    public async Task Enqueue_InCallersTransactionWithItsOwnWrite_CommitsBoth()
    {
        var database = await _database.MigratedAsync();
        var outbox = new SqliteOutbox(database);

        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = connection.BeginTransaction();
            await connection.ExecuteAsync("CREATE TABLE guard_state (conversation_id TEXT, used INTEGER)", transaction: transaction);
            await connection.ExecuteAsync("INSERT INTO guard_state VALUES ('conv-1', 1)", transaction: transaction);
            await SqliteOutbox.EnqueueAsync(Message("m1"), connection, transaction);
            await SqliteDedupStore.TryReserveAsync("infobip:inbound:x", T0, connection, transaction);
            await transaction.CommitAsync();
        }

        Assert.NotNull(await outbox.FindAsync("m1"));
        Assert.False(await new SqliteDedupStore(database).TryReserveAsync("infobip:inbound:x", T0));
    }

    [Fact]
    public async Task Migrate_RunTwice_KeepsDataAndVersion()
    {
        var database = await _database.MigratedAsync();
        await new SqliteOutbox(database).EnqueueAsync(Message("m1"));

        var version = await database.MigrateAsync();

        Assert.Equal(SchemaMigrations.ScriptNames("Sqlite").Count, version);
        Assert.NotNull(await new SqliteOutbox(database).FindAsync("m1"));
        await using var connection = await database.OpenAsync();
        Assert.Equal(SchemaMigrations.ScriptNames("Sqlite").Count, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {SchemaMigrations.JournalTable}"));
    }
}
