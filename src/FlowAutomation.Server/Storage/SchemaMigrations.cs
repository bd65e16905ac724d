using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Engine;
using FlowAutomation.Server.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The server's tables for both providers, as DbUp scripts embedded in this assembly
/// (<c>Storage/Migrations/Sqlite/NNNN_*.sql</c>, <c>Storage/Migrations/Postgres/NNNN_*.sql</c>), run in name order,
/// each once, in one transaction, and recorded in the <c>schema_journal</c> table. Append scripts, never edit one.
/// A SQLite database made before DbUp (its version in <c>schema_versions</c>, component <c>server</c>) has its first
/// scripts marked as run, then takes the rest. On PostgreSQL, nodes starting together migrate one at a time (a
/// session advisory lock), so the second finds the work done.
/// </summary>
internal static class SchemaMigrations
{
    public const string JournalTable = "schema_journal";

    /// <summary>The component whose version the pre-DbUp code kept in <c>schema_versions</c>.</summary>
    public const string LegacyComponent = "server";

    /// <summary>The advisory lock key nodes take while migrating a PostgreSQL database ("FAschema").</summary>
    public const long PostgresMigrationLock = 0x4641_7363_6865_6D61;

    private const string ResourcePrefix = "FlowAutomation.Server.Storage.Migrations.";

    private static readonly Assembly Scripts = typeof(SchemaMigrations).Assembly;

    /// <summary>The embedded scripts for SQLite (<c>Sqlite</c>) or PostgreSQL (<c>Postgres</c>), in the order they run.</summary>
    public static IReadOnlyList<string> ScriptNames(string provider) =>
        [.. Scripts.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix + provider + ".", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>Brings a SQLite database to the latest scripts; returns how many scripts it has run in all.</summary>
    public static async Task<int> MigrateSqliteAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        var engine = DeployChanges.To.SqliteDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(Scripts, name => name.StartsWith(ResourcePrefix + "Sqlite.", StringComparison.Ordinal))
            .JournalToSqliteTable(JournalTable)
            .WithTransaction()
            .WithVariablesDisabled()
            .LogTo(new WarningsOnly(logger))
            .Build();
        var legacy = await LegacySqliteVersionAsync(connectionString, cancellationToken);
        return await Task.Run(() =>
        {
            if (legacy > 0 && engine.GetExecutedScripts().Count == 0)
                Check(engine.MarkAsExecuted(ScriptNames("Sqlite")[Math.Min(legacy, ScriptNames("Sqlite").Count) - 1]), NullLogger.Instance);
            Check(engine.PerformUpgrade(), logger);
            return engine.GetExecutedScripts().Count;
        }, cancellationToken);
    }

    /// <summary>Brings a PostgreSQL database to the latest scripts, one node at a time; returns how many scripts it has run in all.</summary>
    public static async Task<int> MigratePostgresAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = PostgresMigrationLock }, cancellationToken: cancellationToken));
        try
        {
            var engine = DeployChanges.To.PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(Scripts, name => name.StartsWith(ResourcePrefix + "Postgres.", StringComparison.Ordinal))
                .JournalToPostgresqlTable("public", JournalTable)
                .WithTransaction()
                .WithVariablesDisabled()
                .LogTo(new WarningsOnly(logger))
                .Build();
            return await Task.Run(() =>
            {
                Check(engine.PerformUpgrade(), logger);
                return engine.GetExecutedScripts().Count;
            }, cancellationToken);
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = PostgresMigrationLock }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>The version the pre-DbUp migrations recorded (0 when there is none: a new database, or one DbUp made).</summary>
    private static async Task<int> LegacySqliteVersionAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'", cancellationToken: cancellationToken));
        if (exists == 0)
            return 0;
        return (int)(await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT version FROM schema_versions WHERE component = @LegacyComponent", new { LegacyComponent }, cancellationToken: cancellationToken)) ?? 0);
    }

    private static void Check(DatabaseUpgradeResult result, ILogger logger)
    {
        if (!result.Successful)
            throw new InvalidOperationException($"the schema migration failed at {result.ErrorScript?.Name ?? "the journal"}: {result.Error?.Message}", result.Error);
        foreach (var script in result.Scripts)
            logger.SchemaScriptRun(script.Name);
    }

    /// <summary>DbUp's own lines (a dozen per start) left out but for its warnings and errors; the scripts run are logged by <see cref="Check"/>.</summary>
    private sealed class WarningsOnly(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args)
        {
        }

        public void LogDebug(string format, params object[] args)
        {
        }

        public void LogInformation(string format, params object[] args)
        {
        }

        public void LogWarning(string format, params object[] args) => logger.SchemaMigrationMessage(LogLevel.Warning, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(string format, params object[] args) => logger.SchemaMigrationMessage(LogLevel.Error, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(Exception ex, string format, params object[] args) => LogError(format, args);
    }
}
