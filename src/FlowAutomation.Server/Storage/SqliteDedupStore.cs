using Dapper;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Dedup keys in the <c>inbound_dedup</c> table. The inbox records a key in the same
/// transaction as the record it guards, with the static overload.
/// </summary>
internal sealed class SqliteDedupStore(SqliteDatabase database) : IDedupStore
{
    public async ValueTask<bool> TryReserveAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => TryReserveAsync(key, at, connection, transaction, cancellationToken), cancellationToken);

    public static async Task<bool> TryReserveAsync(string key, DateTimeOffset at, SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken = default)
    {
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO inbound_dedup (key, received_at) VALUES (@key, @at) ON CONFLICT (key) DO NOTHING",
            new { key, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        return inserted == 1;
    }

    public async ValueTask ReleaseAsync(string key, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM inbound_dedup WHERE key = @key", new { key }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public async ValueTask<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM inbound_dedup WHERE received_at < @before", new { before = before.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
