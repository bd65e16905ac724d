using Dapper;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>Dedup keys in PostgreSQL's <c>inbound_dedup</c> table; as <see cref="SqliteDedupStore"/>, which nodes share.</summary>
internal sealed class PostgresDedupStore(PostgresDatabase database) : IDedupStore
{
    public async ValueTask<bool> TryReserveAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => TryReserveAsync(connection, transaction, key, at, cancellationToken), cancellationToken);

    /// <summary>Records the key in the caller's transaction; false when a node recorded it before (it waits for a concurrent one's outcome).</summary>
    public static async Task<bool> TryReserveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, DateTimeOffset at, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO inbound_dedup (key, received_at) VALUES (@key, @at) ON CONFLICT (key) DO NOTHING",
            new { key, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) == 1;

    public async ValueTask ReleaseAsync(string key, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM inbound_dedup WHERE key = @key", new { key }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public async ValueTask<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM inbound_dedup WHERE received_at < @before", new { before = before.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
