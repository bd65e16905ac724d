using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Storage;

/// <summary>Configuration section <c>Storage</c>.</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The database's connection string for whichever provider (<c>--db</c> passes it): for SQLite a connection string
    /// or just a file path (<c>--db app.db</c>, relative to the working folder); for PostgreSQL an Npgsql connection
    /// string (<c>--db "Host=db;Database=flows;Username=app;Password=…"</c>).
    /// </summary>
    [NotBlank]
    public string Database { get; set; } = "flowautomation.db";

    /// <summary>SQLite's <c>synchronous</c> setting: <c>Normal</c> survives a process crash, <c>Full</c> also a power cut (slower).</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Normal;

    /// <summary>
    /// SQLite only: the WAL's size in pages (4 KB each) at which a commit copies it back into the database file (a
    /// checkpoint, with its fsyncs). The default is SQLite's own 1,000; 10,000 checkpoints a tenth as often but each
    /// checkpoint stalls the writer ten times as long (docs/performance.md, "Seventh pass" and the quiet-machine runs after it).
    /// </summary>
    [Positive]
    public int WalAutoCheckpoint { get; set; } = SqliteDatabase.DefaultWalAutoCheckpoint;

    /// <summary>
    /// SQLite only: how long a group commit (the one transaction that takes the writes arriving together: webhooks,
    /// the engine's commits, the outbox's transitions) waits to fill its batch when fewer writes are queued than inbox
    /// lanes are running an event: more events per commit, so fewer pages written per event. 2 ms by default; zero never
    /// waits. The wait applies only while lanes are busy, so a quiet service never waits.
    /// </summary>
    [NotNegative]
    public TimeSpan GroupCommitWait { get; set; } = SqliteDatabase.DefaultGroupCommitWait;

    /// <summary>How long inbound dedup keys are kept; TikTok retries a webhook for up to 72 h.</summary>
    [Positive]
    public TimeSpan DedupRetention { get; set; } = TimeSpan.FromDays(7);

    public string ConnectionString => Database.Contains('=', StringComparison.Ordinal) ? Database : $"Data Source={Database}";

    /// <summary>The PostgreSQL database of <see cref="StorageProvider.Postgres"/>.</summary>
    public PostgresDatabase CreatePostgresDatabase() => new(Database);

    public SqliteDatabase CreateDatabase()
    {
        switch (Provider)
        {
            case StorageProvider.TemporaryFile or StorageProvider.InMemory:
                var file = Path.Combine(Path.GetTempPath(), $"flowautomation-{Guid.NewGuid():n}.db");
                return new SqliteDatabase($"Data Source={file}") { Synchronous = SqliteSynchronous.Off, DeleteOnDispose = file };
            default:
                return new SqliteDatabase(ConnectionString) { Synchronous = Synchronous, WalAutoCheckpoint = WalAutoCheckpoint, GroupCommitWait = GroupCommitWait };
        }
    }
}
