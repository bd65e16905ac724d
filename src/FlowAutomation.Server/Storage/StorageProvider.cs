namespace FlowAutomation.Server.Storage;

/// <summary>Where the service keeps its data (<c>Storage:Provider</c>).</summary>
internal enum StorageProvider
{
    /// <summary>The SQLite database named by <see cref="StorageOptions.Database"/>.</summary>
    Sqlite,

    /// <summary>A throwaway SQLite file in the temp folder, deleted when the service stops (trials and tests).</summary>
    TemporaryFile,

    /// <summary>
    /// The old name of <see cref="TemporaryFile"/>, still accepted so existing settings keep working; nothing was ever
    /// kept in memory (it made the same throwaway SQLite file), so new settings write <c>TemporaryFile</c>.
    /// </summary>
    InMemory,

    /// <summary>
    /// The PostgreSQL database named by <see cref="StorageOptions.Database"/> (an Npgsql connection string), which any
    /// number of nodes share: every store, and Hangfire's jobs (in its own <c>hangfire</c> schema).
    /// </summary>
    Postgres,
}
