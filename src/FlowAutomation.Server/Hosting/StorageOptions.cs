namespace FlowAutomation.Server.Hosting;

internal enum StorageProvider
{
    Sqlite,
    InMemory,
}

/// <summary>Configuration section <c>Storage</c>.</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>A SQLite connection string, or just a file path (<c>--Storage:Database app.db</c>).</summary>
    public string Database { get; set; } = "flowautomation.db";

    /// <summary>How long inbound dedup keys are kept; TikTok retries a webhook for up to 72 h.</summary>
    public TimeSpan DedupRetention { get; set; } = TimeSpan.FromDays(7);

    public string ConnectionString => Database.Contains('=', StringComparison.Ordinal) ? Database : $"Data Source={Database}";
}

/// <summary>Configuration section <c>Inbound</c>: the stand-in channel sink.</summary>
internal sealed class InboundOptions
{
    public const string SectionName = "Inbound";

    public int Capacity { get; set; } = 10_000;
}
