using Dapper;
using FlowAutomation.Server.Storage;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// <see cref="SqliteDatabase.OpenAsync"/> runs its <c>PRAGMA</c>s once per SQLite handle: a connection the pool hands
/// out again keeps them, and a database on the same file with another <see cref="SqliteSynchronous"/> setting still
/// gets its own.
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

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString))
            SqliteConnection.ClearPool(connection);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_file + suffix);
    }
}
