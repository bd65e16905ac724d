using Dapper;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The service's SQLite database: read connections from the pool, and one writer connection that every write
/// transaction of this process takes in turn (<see cref="WriteAsync{T}"/>), so that our own writers queue in memory
/// instead of meeting SQLITE_BUSY. Creates or migrates its tables on start (<see cref="SchemaMigrations"/>); other
/// components' tables could share the file.
/// </summary>
internal sealed class SqliteDatabase(string connectionString) : IServiceDatabase, IAsyncDisposable
{
    /// <summary>
    /// The SQLite handles (physical connections, which the pool reuses, also across instances on one file) with the
    /// <see cref="Synchronous"/> setting their <c>PRAGMA</c>s were run with.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];

    /// <summary>SQLite's process-wide settings (<see cref="SqliteLibrary"/>) before this process's first connection: every one is opened through this type.</summary>
    static SqliteDatabase() => SqliteLibrary.Configure();

    /// <summary>Reader connections kept open at most (<see cref="ReadAsync{T}"/>): about the engine's lanes that read at once on two cores.</summary>
    public const int KeptReaders = 8;

    private readonly WriteGate _writeGate = new();
    private readonly Stack<SqliteConnection> _readers = new();
    private bool _disposed;
    private SqliteConnection? _writer;
    private SqliteGroupCommit? _group;

    /// <summary>The writes that share transactions (<see cref="WriteSharedAsync{T}"/>).</summary>
    internal SqliteGroupCommit Group => LazyInitializer.EnsureInitialized(ref _group, () => new SqliteGroupCommit(this, GroupCommitWait, WaitClock));

    public string ConnectionString { get; } = connectionString;

    /// <summary>A file to delete when the database is disposed (the throwaway database of <c>Storage:Provider=TemporaryFile</c>).</summary>
    public string? DeleteOnDispose { get; init; }

    /// <summary>
    /// <c>NORMAL</c> (the default) keeps every committed transaction through a crash of the process (SIGKILL) and
    /// fsyncs at checkpoints; <c>FULL</c> also survives a power cut, at a cost per commit.
    /// </summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Normal;

    /// <summary>
    /// <c>Storage:WalAutoCheckpoint</c>'s default (pages): SQLite's own. 10,000 took less CPU per event under load, but
    /// on a quiet machine its larger checkpoints raised the webhooks' p99 by half with no CPU gain (docs/performance.md,
    /// "The service on a quiet machine, after the seventh passes").
    /// </summary>
    public const int DefaultWalAutoCheckpoint = 1_000;

    /// <summary>
    /// The writer connection's <c>wal_autocheckpoint</c> (pages): the WAL's size at which a commit checkpoints it. Only
    /// the writer commits, so only its setting counts; a pooled reader given the same handle later is not affected.
    /// </summary>
    public int WalAutoCheckpoint { get; init; } = DefaultWalAutoCheckpoint;

    /// <summary>
    /// <c>Storage:GroupCommitWait</c>'s default: 2 ms. With the webhooks' intake in the shared transaction, no wait made
    /// commits of 3.5–3.8 events at 32 concurrent webhooks; 2 ms made them 6.7–7.7, about as many as 5 ms (7.0–7.7) or
    /// 10 ms (7.8–8.1) did (docs/performance.md, "Thirteenth pass: the service on SQLite").
    /// </summary>
    public static readonly TimeSpan DefaultGroupCommitWait = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// How long a group commit's batch smaller than the inbox lanes running an event waits for their writes
    /// (<see cref="SqliteGroupCommit"/>); zero: never.
    /// </summary>
    public TimeSpan GroupCommitWait { get; init; } = DefaultGroupCommitWait;

    /// <summary>The clock of <see cref="GroupCommitWait"/> (a performance wait, not the service's business time).</summary>
    public TimeProvider WaitClock { get; init; } = TimeProvider.System;

    public string Provider => "sqlite";

    public string OutboxInsertionOrder => "rowid";

    async Task<System.Data.Common.DbConnection> IServiceDatabase.OpenConnectionAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // A pooled connection comes back with the settings it was given when its SQLite handle was opened: set them
        // once per handle, not on every open (two statements prepared and run per open, two opens per event).
        if (Configured.TryGetValue(connection.Handle!, out var configured) && configured is SqliteSynchronous synchronous && synchronous == Synchronous)
            return connection;
        // SQLite's own busy handler (short waits) rather than the driver's retry loop, for the rare writer outside
        // this process's gate (another process on the same file).
        await connection.ExecuteAsync(new CommandDefinition(
            Synchronous switch
            {
                SqliteSynchronous.Full => "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;",
                SqliteSynchronous.Off => "PRAGMA busy_timeout = 10000; PRAGMA synchronous = OFF;",
                _ => "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
            }, cancellationToken: cancellationToken));
        Configured.AddOrUpdate(connection.Handle!, Synchronous);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a reader connection kept open by this database (at most
    /// <see cref="KeptReaders"/> of them; a caller beyond that gets one of the pool's, closed after): the engine's reads
    /// per event run from statements prepared once per kept connection (<see cref="SqliteStatements.Read"/>) instead of a
    /// statement prepared per read. The read must finish its statements (dispose its rows) before it returns, so that
    /// a kept connection holds no snapshot of the WAL between reads.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        SqliteConnection? connection;
        lock (_readers)
            _readers.TryPop(out connection);
        if (connection is not { State: System.Data.ConnectionState.Open })
        {
            if (connection is not null)
                await CloseAsync(connection);
            connection = await OpenAsync(cancellationToken);
        }
        try
        {
            return read(connection);
        }
        finally
        {
            var kept = false;
            lock (_readers)
            {
                if (!_disposed && _readers.Count < KeptReaders)
                {
                    _readers.Push(connection);
                    kept = true;
                }
            }
            if (!kept)
                await CloseAsync(connection);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (BEGIN IMMEDIATE) on the writer connection and commits it;
    /// throws (and rolls back) when the work throws.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(work, cancellationToken);

    /// <summary>
    /// As <see cref="WriteAsync{T}(Func{SqliteConnection, SqliteTransaction, Task{T}}, CancellationToken)"/>, but commits
    /// only when <paramref name="keep"/> holds for the work's result, and rolls back otherwise.
    /// </summary>
    public Task<T> WriteIfAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, Func<T, bool> keep, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(work, cancellationToken, keep);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction it may share with other such writes (group commit,
    /// <see cref="SqliteGroupCommit"/>), under a savepoint of its own: kept when <paramref name="keep"/> holds for its
    /// result, rolled back alone otherwise or when it throws. Completes once the shared transaction is committed.
    /// </summary>
    public Task<T> WriteSharedAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, Func<T, bool> keep, CancellationToken cancellationToken = default) =>
        Group.WriteAsync(work, keep, first: false, cancellationToken);

    /// <summary>
    /// As <see cref="WriteSharedAsync{T}"/>, for the webhooks' intake: committed in a batch of its own kind, taken ahead of
    /// the engine's commits and the outbox's transitions queued before it (the two kinds take turns when both are queued).
    /// </summary>
    public Task<T> WriteSharedFirstAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, Func<T, bool> keep, CancellationToken cancellationToken = default) =>
        Group.WriteAsync(work, keep, first: true, cancellationToken);

    private async Task<T> WriteCoreAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, Func<T, bool>? keep = null)
    {
        await using var lease = await AcquireWriterAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await lease.Connection.BeginTransactionAsync(cancellationToken);
        var result = await work(lease.Connection, transaction);
        if (keep is null || keep(result))
            await transaction.CommitAsync(cancellationToken);
        else
            await transaction.RollbackAsync(cancellationToken);
        return result;
    }

    /// <summary>Takes the writer connection for this process's exclusive use until the lease is disposed.</summary>
    public Task<WriterLease> AcquireWriterAsync(CancellationToken cancellationToken = default) => AcquireWriterAsync(urgent: false, cancellationToken);

    /// <summary>As <see cref="AcquireWriterAsync(CancellationToken)"/>; an <paramref name="urgent"/> taker (someone waits for the answer) goes before the background writers.</summary>
    public async Task<WriterLease> AcquireWriterAsync(bool urgent, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(urgent, cancellationToken);
        try
        {
            if (_writer is not { State: System.Data.ConnectionState.Open })
            {
                if (_writer is not null)
                    await CloseAsync(_writer);
                _writer = await OpenAsync(cancellationToken);
                // Only the writer commits, so only its setting decides when the WAL is checkpointed. Its sub-journal
                // (the pages a savepoint may roll back: every group commit write, every intake record has one) in
                // memory: SQLite moves it to a temporary file past 64 KiB, and then each journaled page cost two
                // pwrite calls, most of the service's system calls (docs/performance.md, "Eighteenth pass: the service's
                // SQLite writes"). Only rollbacks within a transaction read it: the WAL alone keeps commits durable.
                await _writer.ExecuteAsync(new CommandDefinition(
                    $"PRAGMA wal_autocheckpoint = {WalAutoCheckpoint}; PRAGMA temp_store = MEMORY;", cancellationToken: cancellationToken));
            }
            return new WriterLease(this, _writer);
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    /// <summary>
    /// Creates the tables or brings them to the latest version (<see cref="SchemaMigrations"/>); safe to run on every
    /// start. Returns how many migration scripts the database has run in all.
    /// </summary>
    public async Task<int> MigrateAsync(ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        await using (var connection = await OpenAsync(cancellationToken))
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
        await using var lease = await AcquireWriterAsync(urgent: true, cancellationToken);
        return await SchemaMigrations.MigrateSqliteAsync(ConnectionString, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, cancellationToken);
    }

    /// <summary>A cheap round trip for the readiness check.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection[] readers;
        lock (_readers)
        {
            _disposed = true;
            readers = [.. _readers];
            _readers.Clear();
        }
        foreach (var reader in readers)
            await CloseAsync(reader);
        await _writeGate.WaitAsync(urgent: true, CancellationToken.None);
        try
        {
            if (_writer is not null)
                await CloseAsync(_writer);
            _writer = null;
            if (DeleteOnDispose is { } file)
            {
                SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                    File.Delete(file + suffix);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Closes a connection this database kept or read on, with the statements prepared on it (<see cref="SqliteStatements.Write"/>, <see cref="SqliteStatements.Read"/>).</summary>
    private static ValueTask CloseAsync(SqliteConnection connection)
    {
        SqliteStatements.Release(connection);
        return connection.DisposeAsync();
    }

    /// <summary>The writer connection, held until disposed.</summary>
    internal sealed class WriterLease(SqliteDatabase owner, SqliteConnection connection) : IAsyncDisposable
    {
        private int _released;

        public SqliteConnection Connection { get; } = connection;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                owner._writeGate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
