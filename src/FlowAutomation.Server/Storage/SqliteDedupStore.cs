using Dapper;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Dedup keys in the <c>inbound_dedup</c> table. The overloads taking a connection and transaction let the
/// runtime record the key in the same transaction as the state change it causes.
/// </summary>
internal sealed class SqliteDedupStore(SqliteDatabase database) : IDedupStore
{
    public async ValueTask<bool> TryReserveAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await TryReserveAsync(key, at, connection, null, cancellationToken);
    }

    public static async Task<bool> TryReserveAsync(string key, DateTimeOffset at, SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken = default)
    {
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO inbound_dedup (key, received_at) VALUES (@key, @at) ON CONFLICT (key) DO NOTHING",
            new { key, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        return inserted == 1;
    }

    public async ValueTask ReleaseAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM inbound_dedup WHERE key = @key", new { key }, cancellationToken: cancellationToken));
    }

    public async ValueTask<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM inbound_dedup WHERE received_at < @before", new { before = before.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }
}
