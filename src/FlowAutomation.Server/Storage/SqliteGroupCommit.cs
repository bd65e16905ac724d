using FlowAutomation.Runtime;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Group commit for the engine: the <see cref="EngineCommit"/>s that arrive while the writer is busy are written
/// together, in arrival order, in one transaction on the writer connection — one <c>BEGIN</c>/<c>COMMIT</c> (and one
/// turn of the write lock) for the batch instead of one per event. Each commit is written under its own
/// <c>SAVEPOINT</c>: one that conflicts, finds its work done before or fails is rolled back alone and its neighbours
/// are kept, so every event's effects stay all or nothing. A caller hears its result only once the shared transaction
/// is committed (or, when the transaction itself fails, the failure: then nothing of the batch was written and every
/// event is still pending). Nothing waits to fill a batch: a lone commit is written at once; under load the commits
/// that queued behind a batch form the next one.
/// </summary>
internal sealed class SqliteGroupCommit(SqliteDatabase database, TimeProvider time)
{
    /// <summary>Commits written in one transaction at most.</summary>
    public const int MaxBatch = 256;

    private const string Savepoint = "engine_commit";
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private bool _writing;

    /// <summary>Raised after each batch's transaction commits, with the number of commits it held (for tests and metrics).</summary>
    public event Action<int>? BatchCommitted;

    /// <summary>Writes <paramref name="commit"/> in the next batch; the result is known once that batch is durable.</summary>
    public Task<CommitResult> CommitAsync(EngineCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var pending = new Pending(commit);
        bool start;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            start = !_writing;
            _writing = true;
        }
        if (start)
        {
            // Not on the caller's execution context, and not in the caller's time: the writer serves every lane.
            using (ExecutionContext.SuppressFlow())
                _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        }
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteQueuedAsync()
    {
        var batch = new List<Pending>();
        while (true)
        {
            batch.Clear();
            lock (_gate)
            {
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
                    batch.Add(next);
                if (batch.Count == 0)
                {
                    _writing = false;
                    return;
                }
            }
            try
            {
                await database.WriteAsync((connection, transaction) => WriteBatchAsync(connection, transaction, batch));
            }
            catch (Exception exception)
            {
                // The transaction did not commit: nothing of the batch was written.
                foreach (var pending in batch)
                    pending.Completion.TrySetException(exception);
                continue;
            }
            foreach (var pending in batch)
            {
                if (pending.Error is { } error)
                    pending.Completion.TrySetException(error);
                else
                    pending.Completion.TrySetResult(pending.Result);
            }
            BatchCommitted?.Invoke(batch.Count);
        }
    }

    private async Task<int> WriteBatchAsync(SqliteConnection connection, SqliteTransaction transaction, List<Pending> batch)
    {
        var now = time.GetUtcNow();
        foreach (var pending in batch)
        {
            (pending.Result, pending.Error) = (CommitResult.Conflict, null);
            await transaction.SaveAsync(Savepoint);
            try
            {
                pending.Result = await SqliteEngineCommit.WriteAsync(connection, transaction, pending.Commit, now, CancellationToken.None);
            }
            catch (Exception exception)
            {
                pending.Error = exception;
            }
            // An error that ended the whole transaction makes the rollback throw, and the batch fails as a whole.
            if (pending.Error is not null || pending.Result != CommitResult.Committed)
                await transaction.RollbackAsync(Savepoint);
            await transaction.ReleaseAsync(Savepoint);
        }
        return batch.Count;
    }

    private sealed class Pending(EngineCommit commit)
    {
        public EngineCommit Commit { get; } = commit;

        public CommitResult Result { get; set; }

        public Exception? Error { get; set; }

        public TaskCompletionSource<CommitResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
