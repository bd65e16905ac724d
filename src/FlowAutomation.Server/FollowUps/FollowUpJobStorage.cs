using FlowAutomation.Server.Storage;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// The one place that chooses Hangfire's storage from the service's storage provider. Whatever it returns only
/// times follow-ups: the <c>follow_ups</c> table stays the record of truth, and jobs a storage forgets (in-memory
/// storage at a restart) are handed to it again by the reconciliation.
/// </summary>
internal static class FollowUpJobStorage
{
    /// <summary>Hangfire.PostgreSql's tables live in a schema of their own beside ours.</summary>
    public const string PostgresSchema = "hangfire";

    /// <summary>
    /// How long a Hangfire distributed lock held by a dead node blocks the others. Hangfire.PostgreSql's default (10 min)
    /// left 15 jobs stuck for at least 96 s after a SIGKILL; 30 s bounds that.
    /// </summary>
    public static readonly TimeSpan DistributedLockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a job fetched by a node that died stays invisible to the others. With sliding invisibility the living
    /// node renews its fetch every fifth of this, so a long job is never taken twice; Hangfire.PostgreSql's default
    /// (30 min) left a follow-up fetched by a SIGKILLed node unfired for half an hour (the two-node test found it).
    /// </summary>
    public static readonly TimeSpan InvisibilityTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The advisory lock key under which a node installs or upgrades Hangfire's schema (nodes starting together take turns).</summary>
    private const long SchemaLockKey = 0x466C6F7748616E67; // "FlowHang"

    public static JobStorage Create(StorageOptions storage, FollowUpOptions? followUps = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.Provider switch
        {
            // One node per SQLite file: Hangfire's jobs live in this process beside it.
            // Job ids are GUIDs: an id recorded on a row before a restart never names another follow-up's job after it
            // (numbered ids start again at 1 in a fresh storage).
            StorageProvider.Sqlite or StorageProvider.TemporaryFile or StorageProvider.InMemory => new InMemoryStorage(new InMemoryStorageOptions
            {
                IdType = InMemoryStorageIdType.Guid,
            }),
            // Every node's Hangfire server shares the jobs in the service's PostgreSQL database.
            StorageProvider.Postgres => CreatePostgres(storage.Database, (followUps ?? new FollowUpOptions()).PollingInterval),
            _ => throw new ArgumentOutOfRangeException(nameof(storage), storage.Provider, "no Hangfire storage for this storage provider"),
        };
    }

    /// <summary>
    /// Hangfire.PostgreSql on the service's database. Its schema is installed here, once, under an advisory lock and
    /// before any Hangfire server of this node starts (two servers racing to install it on an empty schema failed with
    /// <c>could not find tuple for constraint</c>); the storage itself never installs. Sliding invisibility stays on (a
    /// job longer than the invisibility timeout ran twice without it). Its connections are pooled as the service's own
    /// (<see cref="PostgresDatabase.Pooling"/>): Hangfire.PostgreSql leaves no session state on a connection it hands
    /// back (its locks are rows of its <c>lock</c> table; its only <c>LISTEN</c> is long polling's, which is off), so the
    /// <c>DISCARD ALL</c> of each return to the pool (288–420 a load-test run with one node) bought nothing.
    /// </summary>
    public static PostgreSqlStorage CreatePostgres(string connectionString, TimeSpan pollingInterval)
    {
        InstallSchema(connectionString);
        var options = PostgresOptions(pollingInterval);
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(PostgresDatabase.Pooling(connectionString), options), options);
    }

    /// <summary>Hangfire.PostgreSql's settings: our schema name, no install of its own, the 30 s lock timeout, sliding invisibility of 30 s, our polling interval.</summary>
    public static PostgreSqlStorageOptions PostgresOptions(TimeSpan pollingInterval) => new()
    {
        SchemaName = PostgresSchema,
        PrepareSchemaIfNecessary = false,
        DistributedLockTimeout = DistributedLockTimeout,
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = InvisibilityTimeout,
        QueuePollInterval = pollingInterval,
    };

    private static void InstallSchema(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({SchemaLockKey})", connection))
            take.ExecuteNonQuery();
        try
        {
            PostgreSqlObjectsInstaller.Install(connection, PostgresSchema);
        }
        finally
        {
            using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({SchemaLockKey})", connection);
            release.ExecuteNonQuery();
        }
    }
}
