using System.Runtime.CompilerServices;
using Dapper;
using FlowAutomation.Server.Storage;
using SQLitePCL;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// <see cref="SqliteLibrary"/>: <see cref="SqliteDatabase"/>'s type initializer turns SQLite's memory statistics off
/// before the process's first connection (in this test process, before any test opens one: <see cref="RunFirst"/>, as
/// the service does by making its database before it opens anything), and SQLite then counts no memory while it works.
/// </summary>
public sealed class SqliteLibraryTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "flowautomation-server-tests", Guid.NewGuid().ToString("n") + ".db");

    public SqliteLibraryTests() => Directory.CreateDirectory(Path.GetDirectoryName(_file)!);

#pragma warning disable CA2255 // a module initializer in a test assembly: SQLite takes its process-wide settings only before its first connection
    [ModuleInitializer]
    internal static void RunFirst() => RuntimeHelpers.RunClassConstructor(typeof(SqliteDatabase).TypeHandle);
#pragma warning restore CA2255

    [Fact]
    public void Configure_BeforeTheFirstConnection_SqliteAcceptsIt()
    {
        Assert.Equal(raw.SQLITE_OK, SqliteLibrary.Configure());
    }

    [Fact]
    public async Task WriteAsync_MemoryStatusOff_SqliteCountsNoMemory()
    {
        await using var database = new SqliteDatabase($"Data Source={_file};Pooling=False");
        await database.MigrateAsync();

        var rows = await database.WriteAsync(async (connection, transaction) =>
        {
            for (var i = 0; i < 100; i++)
                await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS t (v TEXT); INSERT INTO t (v) VALUES (@v)", new { v = new string('x', 2000 + i) }, transaction);
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM t", transaction: transaction);
        });

        Assert.Equal(100, rows);
        Assert.Equal(0, raw.sqlite3_memory_used()); // with the statistics on, SQLite holds hundreds of KB here
        Assert.Equal(0, raw.sqlite3_memory_highwater(0));
    }

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_file + suffix);
    }
}
