using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>A SQLite file of its own for one test, removed afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        var folder = Path.Combine(Path.GetTempPath(), "flowautomation-server-tests");
        Directory.CreateDirectory(folder);
        FilePath = Path.Combine(folder, Guid.NewGuid().ToString("n") + ".db");
        ConnectionString = $"Data Source={FilePath};Pooling=False";
        Database = new SqliteDatabase(ConnectionString);
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public SqliteDatabase Database { get; }

    public async Task<SqliteDatabase> MigratedAsync()
    {
        await Database.MigrateAsync();
        return Database;
    }

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(FilePath + suffix);
    }
}
