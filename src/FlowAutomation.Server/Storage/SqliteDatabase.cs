using Dapper;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Opens connections to the service's SQLite database and creates or migrates this component's tables on start.
/// Versions are kept per component in <c>schema_versions</c>, so other components' tables can share the file.
/// </summary>
internal sealed class SqliteDatabase(string connectionString)
{
    public const string Component = "server";

    /// <summary>Each entry migrates from the previous version; append, never edit.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE inbound_dedup (
            key TEXT NOT NULL PRIMARY KEY,
            received_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX ix_inbound_dedup_received_at ON inbound_dedup (received_at);
        CREATE TABLE outbox (
            id TEXT NOT NULL PRIMARY KEY,
            conversation_id TEXT,
            sender TEXT,
            destination TEXT NOT NULL,
            content_type TEXT NOT NULL,
            text TEXT,
            reply_to_message_id TEXT,
            media_url TEXT,
            post_id TEXT,
            callback_data TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            claimed_until INTEGER,
            provider_message_id TEXT,
            last_error TEXT,
            completed_at INTEGER
        );
        CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at);
        CREATE INDEX ix_outbox_provider_message_id ON outbox (provider_message_id);
        CREATE INDEX ix_outbox_conversation ON outbox (conversation_id);
        """,
    ];

    public string ConnectionString { get; } = connectionString;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Creates the tables or brings them to the latest version; safe to run on every start.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL)",
            transaction: transaction, cancellationToken: cancellationToken));
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT version FROM schema_versions WHERE component = @Component", new { Component }, transaction, cancellationToken: cancellationToken)) ?? 0;
        for (var next = (int)version; next < Migrations.Length; next++)
            await connection.ExecuteAsync(new CommandDefinition(Migrations[next], transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_versions (component, version) VALUES (@Component, @version) ON CONFLICT (component) DO UPDATE SET version = excluded.version",
            new { Component, version = Migrations.Length }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return Migrations.Length;
    }

    /// <summary>A cheap round trip for the readiness check.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
    }
}
