using FlowAutomation.Runtime;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>The work was done before (the inbox record was processed, the follow-up fired or was cancelled): nothing is committed.</summary>
internal sealed class AlreadyHandledException(string message) : Exception(message);

/// <summary>
/// One database transaction around everything one inbound event or one follow-up does: the engine's state
/// compare-and-swap and outbox rows (<see cref="SqliteEngineStore"/>), the follow-ups it schedules and cancels
/// (the follow-up scheduler), its audit records (the service's trace sink), and the
/// marker that says the inbox record or the follow-up is done. The engine commits its state and only then
/// schedules follow-ups and writes its trace; inside a unit those later steps join the transaction that is still
/// open, and <see cref="CompleteAsync"/> commits all of it at once, so a crash anywhere loses or repeats nothing.
/// Work outside the database (handing jobs to Quartz, waking the dispatcher) runs after the commit.
/// The unit is ambient (<see cref="Current"/>) for the logical flow that began it.
/// </summary>
internal sealed class EngineUnit : IAsyncDisposable
{
    private static readonly AsyncLocal<EngineUnit?> Ambient = new();

    private readonly SqliteDatabase _database;
    private readonly Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<bool>>? _marker;
    private readonly List<Func<Task>> _afterCommit = [];
    private readonly List<TraceRecord> _trace = [];
    private SqliteDatabase.WriterLease? _lease;
    private SqliteTransaction? _transaction;

    private EngineUnit(SqliteDatabase database, string conversationId, Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<bool>>? marker, TimeProvider time)
    {
        _database = database;
        ConversationId = conversationId;
        _marker = marker;
        Time = time;
    }

    public static EngineUnit? Current => Ambient.Value;

    public string ConversationId { get; }

    public TimeProvider Time { get; }

    /// <summary>
    /// Begins a unit for <paramref name="conversationId"/> and makes it ambient. <paramref name="marker"/> runs last
    /// in the transaction; false means the work was already done, and nothing is committed.
    /// </summary>
    public static EngineUnit Begin(SqliteDatabase database, string conversationId, TimeProvider time, Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<bool>>? marker = null)
    {
        var unit = new EngineUnit(database, conversationId, marker, time);
        Ambient.Value = unit;
        return unit;
    }

    /// <summary>The open transaction to join, when this unit has one on <paramref name="database"/>.</summary>
    public bool Joins(SqliteDatabase database, out (SqliteConnection Connection, SqliteTransaction Transaction) joined)
    {
        joined = default;
        if (!ReferenceEquals(database, _database) || _transaction is null || _lease is null)
            return false;
        joined = (_lease.Connection, _transaction);
        return true;
    }

    /// <summary>The unit's transaction, begun on the writer connection on first use.</summary>
    public async Task<(SqliteConnection Connection, SqliteTransaction Transaction)> TransactionAsync(CancellationToken cancellationToken)
    {
        if (_transaction is null)
        {
            _lease = await _database.AcquireWriterAsync(cancellationToken);
            try
            {
                _transaction = (SqliteTransaction)await _lease.Connection.BeginTransactionAsync(cancellationToken);
            }
            catch
            {
                await ReleaseAsync();
                throw;
            }
        }
        return (_lease!.Connection, _transaction);
    }

    /// <summary>Drops what the unit did so far (the engine lost a compare-and-swap and runs the event again).</summary>
    public async Task RollbackAsync()
    {
        if (_transaction is not null)
            await _transaction.RollbackAsync();
        _afterCommit.Clear();
        _trace.Clear();
        await ReleaseAsync();
    }

    public void AfterCommit(Func<Task> action) => _afterCommit.Add(action);

    public void AfterCommit(Action action) => _afterCommit.Add(() =>
    {
        action();
        return Task.CompletedTask;
    });

    public void Trace(TraceRecord record) => _trace.Add(record);

    /// <summary>
    /// Writes the audit records and the marker, commits, then runs the after-commit work. Returns the failures of
    /// that work (the commit stands: the caller logs them; follow-ups left out of Quartz are picked up by the
    /// scheduler's reconciliation).
    /// </summary>
    /// <exception cref="AlreadyHandledException">The marker found the work done already; nothing was committed.</exception>
    public async Task<IReadOnlyList<Exception>> CompleteAsync(CancellationToken cancellationToken)
    {
        var (connection, transaction) = await TransactionAsync(cancellationToken);
        await SqliteAuditLog.AppendAsync(connection, transaction, ConversationId, _trace, cancellationToken);
        if (_marker is not null && !await _marker(connection, transaction, cancellationToken))
        {
            await RollbackAsync();
            throw new AlreadyHandledException($"the work for conversation '{ConversationId}' was done before");
        }
        await transaction.CommitAsync(cancellationToken);
        await ReleaseAsync();
        List<Exception>? failures = null;
        foreach (var action in _afterCommit)
        {
            try
            {
                await action();
            }
            catch (Exception exception)
            {
                (failures ??= []).Add(exception);
            }
        }
        _afterCommit.Clear();
        return failures ?? [];
    }

    /// <summary>Leaves the ambient slot (synchronously, so the caller's flow sees it) and rolls back what was not committed.</summary>
    public ValueTask DisposeAsync()
    {
        if (ReferenceEquals(Ambient.Value, this))
            Ambient.Value = null;
        return _transaction is null && _lease is null ? ValueTask.CompletedTask : new ValueTask(RollbackAsync());
    }

    private async Task ReleaseAsync()
    {
        if (_transaction is not null)
            await _transaction.DisposeAsync();
        _transaction = null;
        if (_lease is not null)
            await _lease.DisposeAsync();
        _lease = null;
    }
}
