using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Group commit on the writer connection (<see cref="SqliteDatabase.WriteSharedAsync{T}"/>): the writes that arrive
/// while the writer is busy — the webhooks' intake, the engine's commits, the outbox's transitions — are run together,
/// in arrival order, in one transaction: one <c>BEGIN</c>/<c>COMMIT</c> (and one turn of the write lock) for the batch
/// instead of one each. Each write runs under its own <c>SAVEPOINT</c>: one whose result is not to be kept (a
/// compare-and-swap conflict, work done before) or that throws is rolled back alone and its neighbours are kept, so each
/// stays all or nothing. A caller hears its result only once the shared transaction is committed (or, when the
/// transaction itself fails, the failure: then nothing of the batch was written). A lone write runs at once; under load
/// the writes that queued behind a batch form the next one. With a <c>fillWait</c> (<c>Storage:GroupCommitWait</c>) a
/// batch smaller than the writers that announced a write is coming (<see cref="Expect"/>: the inbox lanes running an
/// event) waits up to that long for them, as PostgreSQL's <c>commit_delay</c> with <c>commit_siblings</c>: nobody
/// announced, no wait. A write queued with <c>first</c> (the webhooks' intake, whose callers are waiting for their
/// 200) is taken into the next batch ahead of the others queued (the engine's commits, the outbox's transitions), in a
/// batch of its own kind, so a queue of engine commits does not hold up the intake; each kind stays in its own arrival
/// order. After a batch of the first kind the others go next when any are queued, so a steady stream of intake writes
/// cannot hold up the engine's commits either: each kind gets at least every other batch.
/// </summary>
internal sealed class SqliteGroupCommit(SqliteDatabase database, TimeSpan fillWait, TimeProvider time)
{
    /// <summary>
    /// Writes run in one transaction at most. 64, not more: with SQLite's 256 lanes a batch of up to 256 engine commits
    /// held the writer for 40–140 ms, and the intake's batch, which takes turns with them, waited that long each time
    /// (webhooks accepted at p99 0.6–1.2 s when 5,000/s arrived; 133–170 ms with 64: docs/performance.md, "The service
    /// after the twentieth passes: the lead's check").
    /// </summary>
    public const int MaxBatch = 64;

    private const string Savepoint = "shared_write";
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _first = new();
    private readonly Queue<Pending> _queue = new();
    private bool _writing;
    private int _expected;
    private TaskCompletionSource? _filling;

    /// <summary>
    /// Raised after each batch's transaction commits and before its writes' callers get their results, with the number
    /// of writes it held (for tests and metrics).
    /// </summary>
    public event Action<int>? BatchCommitted;

    /// <summary>Raised when a batch starts to wait to fill (its timer set: for tests and metrics).</summary>
    public event Action? WaitingToFill;

    /// <summary>
    /// Announces that the caller will soon queue a write (an inbox lane starting an event), until the result is
    /// disposed: while more writers are announced than writes are in the batch being formed, the writer waits up to the
    /// fill wait for them.
    /// </summary>
    public ExpectedWrite Expect()
    {
        lock (_gate)
            _expected++;
        return new ExpectedWrite(this);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch, kept when <paramref name="keep"/> holds for its result; with
    /// <paramref name="first"/>, ahead of the writes queued without it.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, Func<T, bool> keep, bool first, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(keep);
        var pending = new Pending<T>(work, keep, first);
        bool start;
        lock (_gate)
        {
            (first ? _first : _queue).Enqueue(pending);
            start = !_writing;
            _writing = true;
            _filling?.TrySetResult();
        }
        if (start)
        {
            // Not on the caller's execution context, and not in the caller's time: the writer serves every caller.
            using (ExecutionContext.SuppressFlow())
                _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        }
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteQueuedAsync()
    {
        var batch = new List<Pending>();
        var othersNext = false;
        while (true)
        {
            batch.Clear();
            lock (_gate)
            {
                TakeQueued(batch, othersNext);
                if (batch.Count == 0)
                {
                    _writing = false;
                    return;
                }
            }
            othersNext = batch[0].First;
            if (fillWait > TimeSpan.Zero && !batch[0].First)
                await FillAsync(batch);
            try
            {
                await database.WriteAsync((connection, transaction) => WriteBatchAsync(connection, transaction, batch));
            }
            catch (Exception exception)
            {
                // The transaction did not commit: nothing of the batch was written.
                foreach (var pending in batch)
                    pending.Fail(exception);
                continue;
            }
            // Observed before any writer hears its result: a caller that has its result sees its batch counted.
            try
            {
                BatchCommitted?.Invoke(batch.Count);
            }
            catch (Exception)
            {
                // An observer's failure must not stop the writer: the writes queued behind this batch wait for it.
            }
            foreach (var pending in batch)
                pending.Complete();
        }
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the writes that queue while announced writers (<see cref="Expect"/>) outnumber
    /// it, for at most the fill wait: returns at once when they do not, and as soon as they no longer do (a write queued,
    /// a writer gone) or the batch is full.
    /// </summary>
    private async Task FillAsync(List<Pending> batch)
    {
        var deadline = time.GetTimestamp() + (long)(fillWait.TotalSeconds * time.TimestampFrequency);
        CancellationTokenSource? timeout = null;
        Task? timer = null;
        var waited = false;
        while (true)
        {
            Task filling;
            lock (_gate)
            {
                TakeQueued(batch, othersNext: false);
                var remaining = deadline - time.GetTimestamp();
                if (batch.Count >= Math.Min(_expected, MaxBatch) || remaining <= 0)
                {
                    _filling = null;
                    break;
                }
                _filling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                filling = _filling.Task;
                timeout ??= new CancellationTokenSource();
                timer ??= Task.Delay(TimeSpan.FromSeconds((double)remaining / time.TimestampFrequency), time, timeout.Token);
            }
            if (!waited)
            {
                waited = true;
                try
                {
                    WaitingToFill?.Invoke();
                }
                catch (Exception)
                {
                    // An observer's failure must not stop the writer.
                }
            }
            await Task.WhenAny(filling, timer);
        }
        if (timeout is not null)
        {
            // The timer is not left running (and holding a timer slot) for a batch that filled.
            await timeout.CancelAsync();
            timeout.Dispose();
        }
    }

    /// <summary>
    /// Adds the queued writes to <paramref name="batch"/> up to its limit: a batch holds the writes queued first alone
    /// (taken ahead of the others, and committed without waiting for them) or the others alone; a new batch takes the
    /// others when <paramref name="othersNext"/> (the last batch was of the first kind) and any are queued. Under the gate.
    /// </summary>
    private void TakeQueued(List<Pending> batch, bool othersNext)
    {
        var queue = batch.Count > 0 ? (batch[0].First ? _first : _queue)
            : _first.Count > 0 && !(othersNext && _queue.Count > 0) ? _first : _queue;
        while (batch.Count < MaxBatch && queue.TryDequeue(out var next))
            batch.Add(next);
    }

    private void Unexpect()
    {
        lock (_gate)
        {
            _expected--;
            _filling?.TrySetResult();
        }
    }

    private static async Task<int> WriteBatchAsync(SqliteConnection connection, SqliteTransaction transaction, List<Pending> batch)
    {
        // One prepared command each for the savepoint and its release, kept on the writer connection and run for every
        // write (SqliteTransaction.Save and Release prepare a new statement on every call).
        var save = SqliteStatements.Write(connection, transaction, $"SAVEPOINT {Savepoint};");
        var release = SqliteStatements.Write(connection, transaction, $"RELEASE {Savepoint};");
        foreach (var pending in batch)
        {
            save.Execute();
            // An error that ended the whole transaction makes the rollback throw, and the batch fails as a whole.
            if (!await pending.RunAsync(connection, transaction))
                await transaction.RollbackAsync(Savepoint);
            release.Execute();
        }
        return batch.Count;
    }

    /// <summary>A write announced by <see cref="Expect"/>; disposing it withdraws the announcement (once the caller's work is done).</summary>
    public readonly struct ExpectedWrite(SqliteGroupCommit group) : IDisposable
    {
        public void Dispose() => group?.Unexpect();
    }

    private abstract class Pending(bool first)
    {
        /// <summary>Queued first (the intake's): batched with its own kind only, ahead of the others.</summary>
        public bool First { get; } = first;

        /// <summary>Runs the write; false when its writes are to be rolled back (not to be kept, or it threw).</summary>
        public abstract Task<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        /// <summary>The batch committed: the caller gets the result (or the exception) of its own write.</summary>
        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Pending<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, Func<T, bool> keep, bool first) : Pending(first)
    {
        private T _result = default!;
        private Exception? _error;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            (_result, _error) = (default!, null);
            try
            {
                _result = await work(connection, transaction);
                return keep(_result);
            }
            catch (Exception exception)
            {
                _error = exception;
                return false;
            }
        }

        public override void Complete()
        {
            if (_error is not null)
                Completion.TrySetException(_error);
            else
                Completion.TrySetResult(_result);
        }

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
