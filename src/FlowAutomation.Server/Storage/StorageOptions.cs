
namespace FlowAutomation.Server.Storage;

internal enum StorageProvider
{
    /// <summary>The SQLite database named by <see cref="StorageOptions.Database"/>.</summary>
    Sqlite,

    /// <summary>A throwaway SQLite file in the temp folder, deleted when the service stops (trials and tests).</summary>
    InMemory,
}

/// <summary>Configuration section <c>Storage</c>.</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>A SQLite connection string, or just a file path (<c>--db app.db</c>); relative to the working folder.</summary>
    public string Database { get; set; } = "flowautomation.db";

    /// <summary>SQLite's <c>synchronous</c> setting: NORMAL survives a process crash, FULL also a power cut (slower).</summary>
    public string Synchronous { get; set; } = "NORMAL";

    /// <summary>How long inbound dedup keys are kept; TikTok retries a webhook for up to 72 h.</summary>
    public TimeSpan DedupRetention { get; set; } = TimeSpan.FromDays(7);

    public string ConnectionString => Database.Contains('=', StringComparison.Ordinal) ? Database : $"Data Source={Database}";

    public SqliteDatabase CreateDatabase()
    {
        if (Provider == StorageProvider.InMemory)
        {
            var file = Path.Combine(Path.GetTempPath(), $"flowautomation-{Guid.NewGuid():n}.db");
            return new SqliteDatabase($"Data Source={file}") { Synchronous = "OFF", DeleteOnDispose = file };
        }
        return new SqliteDatabase(ConnectionString) { Synchronous = Synchronous };
    }
}
