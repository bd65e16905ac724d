using Dapper;
using FlowAutomation.Server.Storage;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// <see cref="SqliteDatabase.OpenAsync"/> runs its <c>PRAGMA</c>s once per SQLite handle: a connection the pool hands
/// out again keeps them, and a database on the same file with another <see cref="SqliteSynchronous"/> setting still
/// gets its own. <see cref="SqliteDatabase.ReadAsync{T}"/> keeps its reader connections open between reads, holding no
/// snapshot of the WAL, and closes them with the database.
/// </summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "flowautomation-server-tests", Guid.NewGuid().ToString("n") + ".db");

    public SqliteDatabaseTests() => Directory.CreateDirectory(Path.GetDirectoryName(_file)!);

    private string ConnectionString => $"Data Source={_file};Pooling=True";

    [Fact]
    public async Task OpenAsync_PooledConnectionOpenedAgain_KeepsItsSettings()
    {
        var database = new SqliteDatabase(ConnectionString) { Synchronous = SqliteSynchronous.Full };
        object? firstHandle;
        await using (var first = await database.OpenAsync())
            firstHandle = first.Handle;

        await using var again = await database.OpenAsync();

        Assert.Same(firstHandle, again.Handle); // the pool's connection, whose PRAGMAs were not run again
        Assert.Equal(2, await again.ExecuteScalarAsync<long>("PRAGMA synchronous")); // FULL
        Assert.Equal(10000, await again.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
    }

    [Fact]
    public async Task OpenAsync_AnotherDatabaseOnTheFileWithAnotherSetting_GetsItsOwnSetting()
    {
        var normal = new SqliteDatabase(ConnectionString) { Synchronous = SqliteSynchronous.Normal };
        var full = new SqliteDatabase(ConnectionString) { Synchronous = SqliteSynchronous.Full };
        await using (var first = await normal.OpenAsync())
            Assert.Equal(1, await first.ExecuteScalarAsync<long>("PRAGMA synchronous")); // NORMAL

        await using (var second = await full.OpenAsync())
            Assert.Equal(2, await second.ExecuteScalarAsync<long>("PRAGMA synchronous")); // the same pooled handle, set to FULL
        await using var third = await normal.OpenAsync();

        Assert.Equal(1, await third.ExecuteScalarAsync<long>("PRAGMA synchronous"));
    }

    [Fact]
    public async Task AcquireWriterAsync_WalAutoCheckpointSet_TheWriterCheckpointsAtThatSize()
    {
        await using var defaults = new SqliteDatabase(ConnectionString);
        await using var custom = new SqliteDatabase(ConnectionString) { WalAutoCheckpoint = 2500 };

        long defaultPages, customPages;
        await using (var lease = await defaults.AcquireWriterAsync())
            defaultPages = await lease.Connection.ExecuteScalarAsync<long>("PRAGMA wal_autocheckpoint");
        await using (var lease = await custom.AcquireWriterAsync())
            customPages = await lease.Connection.ExecuteScalarAsync<long>("PRAGMA wal_autocheckpoint");

        Assert.Equal((1_000L, 2500L), (defaultPages, customPages));
        Assert.Equal(1_000, new StorageOptions().CreateDatabase().WalAutoCheckpoint);
        Assert.Equal(2500, new StorageOptions { WalAutoCheckpoint = 2500 }.CreateDatabase().WalAutoCheckpoint);
    }

    [Fact]
    public async Task AcquireWriterAsync_SavepointJournalsMoreThanSixtyFourKiB_KeepsTheJournalInMemoryAndRollsBack()
    {
        await using var database = new SqliteDatabase(ConnectionString);
        await using var lease = await database.AcquireWriterAsync();
        var connection = lease.Connection;
        await connection.ExecuteAsync("""
            CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO t SELECT i, randomblob(3000) FROM n;
            """);
        const string Digest = "SELECT group_concat(hex(substr(v, 1, 16)), '') FROM t ORDER BY id";
        var before = await connection.ExecuteScalarAsync<string>(Digest);

        // Every row's page journaled under the savepoint: about 200 pages, far past SQLite's 64 KiB spill threshold.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("SAVEPOINT s; UPDATE t SET v = randomblob(3000);", transaction: transaction);
            Assert.NotEqual(before, await connection.ExecuteScalarAsync<string>(Digest, transaction: transaction));
            await connection.ExecuteAsync("ROLLBACK TO s; RELEASE s;", transaction: transaction);
            await transaction.CommitAsync();
        }

        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("PRAGMA temp_store")); // MEMORY: the sub-journal never goes to a file
        Assert.Equal(before, await connection.ExecuteScalarAsync<string>(Digest));
    }

    [Fact]
    public void CreateDatabase_GroupCommitWaitSetOrNot_TheDatabaseWaitsThatLongOrTwoMilliseconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(2), new StorageOptions().CreateDatabase().GroupCommitWait);
        Assert.Equal(TimeSpan.Zero, new StorageOptions { GroupCommitWait = TimeSpan.Zero }.CreateDatabase().GroupCommitWait);
        Assert.Equal(TimeSpan.FromMilliseconds(7), new StorageOptions { GroupCommitWait = TimeSpan.FromMilliseconds(7) }.CreateDatabase().GroupCommitWait);
    }

    [Fact]
    public async Task ReadAsync_SecondRead_RunsOnTheKeptConnection()
    {
        await using var database = new SqliteDatabase(ConnectionString);
        var first = await database.ReadAsync(connection => connection);

        var second = await database.ReadAsync(connection => connection);

        Assert.Same(first, second);
        Assert.Equal(System.Data.ConnectionState.Open, second.State);
    }

    [Fact]
    public async Task ReadAsync_DatabaseDisposed_ClosesTheKeptConnection()
    {
        var database = new SqliteDatabase(ConnectionString);
        var kept = await database.ReadAsync(connection => connection);

        await database.DisposeAsync();

        Assert.Equal(System.Data.ConnectionState.Closed, kept.State);
    }

    [Fact]
    public async Task ReadAsync_KeptConnectionBetweenReads_HoldsNoSnapshotACheckpointWaitsFor()
    {
        await using var database = new SqliteDatabase(ConnectionString);
        await database.MigrateAsync();
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "INSERT INTO conversations (id, version, contact_id, updated_at, state) VALUES ('c1', 1, 'u1', 0, '{}')", transaction: transaction));
        Assert.Equal(1L, await database.ReadAsync(connection =>
            SqliteStatements.Get(connection, null, "SELECT count(*) FROM conversations").ExecuteScalar()));

        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "UPDATE conversations SET version = 2 WHERE id = 'c1'", transaction: transaction));
        await using var checkpointer = await database.OpenAsync();
        var (busy, log, copied) = await checkpointer.QuerySingleAsync<(long, long, long)>("PRAGMA wal_checkpoint(PASSIVE)");

        Assert.Equal(0, busy);
        Assert.True(log > 0);
        Assert.Equal(log, copied); // every frame copied back: no reader pinned an older snapshot
    }

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString))
            SqliteConnection.ClearPool(connection);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_file + suffix);
    }
}
