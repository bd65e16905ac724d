using Dapper;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The service's PostgreSQL database (<c>Storage:Provider=Postgres</c>), which any number of nodes share: pooled
/// connections from one <see cref="NpgsqlDataSource"/>, write transactions at READ COMMITTED whose conflicts the
/// statements themselves settle (compare-and-swap on a version, <c>ON CONFLICT</c>, <c>FOR UPDATE SKIP LOCKED</c>), and
/// the schema through <see cref="SchemaMigrations"/>. The pool's connections keep their prepared statements: unless
/// the connection string says otherwise, a connection is not reset when it goes back to the pool (the service keeps
/// no session state on it: its advisory locks end with their transactions) and statements used often are prepared
/// (<see cref="Pooling"/>).
/// </summary>
internal sealed class PostgresDatabase(string connectionString) : IServiceDatabase, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(Pooling(connectionString));

    public string ConnectionString { get; } = connectionString;

    public string Provider => "postgres";

    public string OutboxInsertionOrder => "seq";

    async Task<System.Data.Common.DbConnection> IServiceDatabase.OpenConnectionAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _source.OpenConnectionAsync(cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a transaction and commits it; rolls back when the work throws.</summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>As <see cref="WriteAsync{T}"/>, but commits only when the work returns a value (null: rolled back, nothing written).</summary>
    public async Task<T?> TryWriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T?>> work, CancellationToken cancellationToken = default)
        where T : class
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        if (result is null)
            await transaction.RollbackAsync(cancellationToken);
        else
            await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Creates the tables or brings them to the latest version; nodes starting together take turns.</summary>
    public Task<int> MigrateAsync(ILogger? logger = null, CancellationToken cancellationToken = default) =>
        SchemaMigrations.MigratePostgresAsync(ConnectionString, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, cancellationToken);

    /// <summary>A cheap round trip for the readiness check.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <summary>
    /// The connection string with <c>No Reset On Close=true</c> (no <c>DISCARD ALL</c> each time a connection goes
    /// back to the pool, which also dropped the prepared statements) and <c>Max Auto Prepare=64</c>, unless it sets
    /// either itself.
    /// </summary>
    internal static string Pooling(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
            builder.NoResetOnClose = true;
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
            builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

}
