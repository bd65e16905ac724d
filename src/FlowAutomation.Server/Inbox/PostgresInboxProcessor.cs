using System.Threading.Channels;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// Runs the inbox on PostgreSQL, where several nodes share one <c>inbox</c> table. A conversation's rows are run by one
/// node at a time, oldest first: the node takes the conversation's transaction-scoped advisory lock
/// (<c>pg_advisory_xact_lock(hashtext(id))</c>) on a connection of its own and, in the same round trip, reads its
/// pending rows, then runs them oldest first (<see cref="IInboxItemRunner"/>, whose engine commit sets each row
/// <c>done</c> in the transaction of the state change); ending the lock's transaction lets the next node in. A node that dies loses its
/// connection and with it the lock; a row it had not committed is still pending and runs on another node. The
/// conversations this node took webhooks for are run at once (waiting for the lock when another node holds it); every
/// <see cref="InboxOptions.PollInterval"/> each node also looks for conversations whose rows have been pending for
/// <see cref="InboxOptions.TakeOverAfter"/> (a node that died, or fell behind) and runs those no node holds
/// (<c>pg_try_advisory_xact_lock</c>), as many as it has room for: a row another live node took a moment ago is left to
/// that node, which is about to run it (taking it too made the two nodes wait for each other's locks and read for
/// nothing). <see cref="InboxOptions.Lanes"/> conversations (16 unless set) run at once per node. The round trip that takes a
/// conversation's lock also reads its state and follow-ups for the engine's first item (<see cref="PostgresHeldReads"/>).
/// The engine's commit of the hold's last row runs in the lock's transaction (<see cref="PostgresHeldReads.KeepTransaction"/>),
/// so its <c>COMMIT</c> also lets the lock go. An item that keeps failing is set aside as <c>failed</c>, as on SQLite.
/// </summary>
internal sealed class PostgresInboxProcessor(PostgresDatabase database, IInboxItemRunner runner, TimeProvider time, IOptions<InboxOptions> options, ILogger<PostgresInboxProcessor> logger, PostgresHeldReads? held = null)
    : IHostedService, IInboxProcessing, IDisposable
{
    /// <summary>Rows run under one hold of a conversation's lock before it is let go and queued again (other conversations get a turn).</summary>
    private const int MaxRowsPerHold = 100;

    /// <summary>Conversations queued at most by a poll: it takes only as many as bring this node's queue up to this.</summary>
    private const int PollLimit = 256;

    private readonly Channel<string> _work = Channel.CreateUnbounded<string>();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, bool> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _again = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _workers = [];
    private long _processed;
    private long _failed;

    public long Processed => Interlocked.Read(ref _processed);

    public long Failed => Interlocked.Read(ref _failed);

    public event Action<InboxItem>? Finished;

    /// <summary>This node took new rows of the conversation (called by the inbox after its commit): run them, waiting for another node that holds it.</summary>
    public void Enqueue(string conversationId) => Request(conversationId, wait: true);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        using (ExecutionContext.SuppressFlow())
        {
            _workers = [.. Enumerable.Range(0, options.Value.Lanes).Select(_ => Task.Run(WorkAsync, CancellationToken.None)), Task.Run(PollAsync, CancellationToken.None)];
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // What is not committed stays pending in the database for this node's next start or another node's poll.
        await _stopping.CancelAsync();
        _work.Writer.TryComplete();
        await Task.WhenAll(_workers).WaitAsync(cancellationToken);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Queues a conversation once; a request to <paramref name="wait"/> upgrades a queued poll's, and reaches a run already going on.</summary>
    private void Request(string conversationId, bool wait)
    {
        lock (_gate)
        {
            if (_running.Contains(conversationId))
            {
                if (wait)
                    _again.Add(conversationId);
                return;
            }
            if (_queued.TryGetValue(conversationId, out var queuedWait))
            {
                _queued[conversationId] = queuedWait || wait;
                return;
            }
            _queued[conversationId] = wait;
        }
        _work.Writer.TryWrite(conversationId);
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        try
        {
            do
            {
                try
                {
                    var room = PollLimit - Queued();
                    var pendingSince = time.GetUtcNow() - options.Value.TakeOverAfter;
                    foreach (var conversationId in await PostgresInboxTable.PendingConversationsAsync(database, pendingSince, room, _stopping.Token))
                        Request(conversationId, wait: false);
                }
                catch (Exception exception) when (!_stopping.IsCancellationRequested)
                {
                    logger.InboxPollFailed(exception);
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Conversations queued or running on this node.</summary>
    private int Queued()
    {
        lock (_gate)
            return _queued.Count + _running.Count;
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var conversationId in _work.Reader.ReadAllAsync(_stopping.Token))
            {
                bool wait;
                lock (_gate)
                {
                    wait = _queued.Remove(conversationId, out var queuedWait) && queuedWait;
                    _running.Add(conversationId);
                }
                var again = true;
                while (again)
                {
                    try
                    {
                        await HoldAsync(conversationId, wait);
                    }
                    catch (Exception exception) when (!_stopping.IsCancellationRequested)
                    {
                        logger.InboxConversationFailed(exception, conversationId);
                    }
                    lock (_gate)
                    {
                        again = _again.Remove(conversationId) && !_stopping.IsCancellationRequested;
                        if (!again)
                            _running.Remove(conversationId);
                    }
                    wait = true;
                }
            }
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // stopping: what was not committed stays pending
        }
    }

    /// <summary>
    /// Holds the conversation's lock (or, unless <paramref name="wait"/>, gives up when another node holds it) and runs
    /// its pending rows, oldest first, as one read found them when the lock was taken. Rows committed later are not
    /// missed: this node's come with <see cref="Enqueue"/>, which runs the conversation again; another node's, with
    /// that node's own request, which waits for the lock; any left over, with the next poll.
    /// </summary>
    private async Task HoldAsync(string conversationId, bool wait)
    {
        await using var connection = await database.OpenAsync(_stopping.Token);
        await using var transaction = await connection.BeginTransactionAsync(_stopping.Token);
        if (await PostgresInboxTable.LockAndReadAsync(connection, transaction, conversationId, wait, MaxRowsPerHold, _stopping.Token) is not { } conversation)
            return;
        var rows = conversation.Rows;
        if (rows.Count > 0)
            held?.Keep(conversationId, conversation.State, conversation.FollowUps);
        try
        {
            for (var i = 0; i < rows.Count; i++)
            {
                if (_stopping.IsCancellationRequested)
                    return;
                var row = rows[i];
                var item = InboxIntake.ItemOf(row.Seq, row.Kind, row.Payload);
                // The last row's commit may end the lock's transaction itself (one round trip and one connection less);
                // a commit that did not take it leaves it to the dispose below, which rolls it back.
                if (i == rows.Count - 1)
                    held?.KeepTransaction(row.Seq, connection, transaction);
                var ran = await RunAsync(item);
                held?.ForgetTransaction(row.Seq);
                held?.Forget(conversationId); // read for the first item only: the next reads what this one committed
                if (!ran)
                    return;
                try
                {
                    Finished?.Invoke(item);
                }
                catch (Exception exception)
                {
                    logger.InboxObserverFailed(exception, item.Seq);
                }
            }
        }
        finally
        {
            held?.Forget(conversationId);
        }
        if (rows.Count == MaxRowsPerHold)
        {
            lock (_gate)
                _again.Add(conversationId);
        }
    }

    /// <summary>Runs one item with <see cref="InboxOptions.MaxAttempts"/> attempts; false when the node is stopping and left it pending.</summary>
    private async Task<bool> RunAsync(InboxItem item)
    {
        var outcome = await InboxAttempts.RunAsync(item, runner, options.Value, time, logger,
            (error, attempts) => PostgresInboxTable.MarkFailedAsync(database, item.Seq, error, attempts, time.GetUtcNow(), CancellationToken.None), _stopping.Token);
        if (outcome == InboxOutcome.Done)
            Interlocked.Increment(ref _processed);
        else if (outcome == InboxOutcome.Failed)
            Interlocked.Increment(ref _failed);
        return outcome != InboxOutcome.LeftPending;
    }
}
