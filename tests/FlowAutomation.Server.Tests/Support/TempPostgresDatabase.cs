using Dapper;
using FlowAutomation.Server.Storage;
using Npgsql;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>A PostgreSQL database of its own for one test (on <see cref="PostgresServer"/>), migrated unless made empty, dropped afterwards.</summary>
internal sealed class TempPostgresDatabase : IAsyncDisposable
{
    private TempPostgresDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        Database = new PostgresDatabase(connectionString);
    }

    public string ConnectionString { get; }

    public PostgresDatabase Database { get; }

    public static async Task<TempPostgresDatabase> CreateAsync()
    {
        var database = await CreateEmptyAsync();
        await database.Database.MigrateAsync();
        return database;
    }

    /// <summary>A database of its own, not migrated (for the migrations' own tests), dropped afterwards too.</summary>
    public static async Task<TempPostgresDatabase> CreateEmptyAsync() => new(await PostgresServer.CreateDatabaseAsync());

    /// <summary>Runs PostgreSQL's first <paramref name="count"/> scripts only (a database as an older release left it); true when they ran.</summary>
    public bool RunFirstScripts(int count)
    {
        var first = SchemaMigrations.ScriptNames("Postgres").Take(count).ToHashSet(StringComparer.Ordinal);
        return DbUp.DeployChanges.To.PostgresqlDatabase(ConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrations).Assembly, first.Contains)
            .JournalToPostgresqlTable("public", SchemaMigrations.JournalTable)
            .WithTransaction()
            .WithVariablesDisabled()
            .Build()
            .PerformUpgrade()
            .Successful;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using var connection = new NpgsqlConnection(await PostgresServer.ConnectionStringAsync());
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }
}
