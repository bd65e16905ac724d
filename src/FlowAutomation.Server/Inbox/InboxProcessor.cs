using System.Threading.Channels;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// Runs the inbox: every taken customer event (and every message a person sent from TikTok's app, which the engine
/// counts toward the quota) is handed on to the runtime (<see cref="IInboxItemRunner"/>), which commits it with its
/// inbox row marked <c>done</c>, so an event is applied exactly once even across a crash. Events of one conversation
/// run in order (one lane per conversation hash); conversations in different lanes run in parallel. On start, the
/// events still pending from before are queued first. An event that keeps failing is set aside as <c>failed</c>.
/// </summary>
internal sealed class InboxProcessor(SqliteDatabase database, IInboxItemRunner runner, TimeProvider time, IOptions<InboxOptions> options, ILogger<InboxProcessor> logger) : IHostedService, IInboxProcessing, IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<InboxItem> _early = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly IInboxItemRunner _announced = new AnnouncingRunner(runner, database.Group);
    private Channel<InboxItem>[] _lanes = [];
    private Task[] _workers = [];
    private bool _loaded;
    private long _loadedUpTo;
    private long _processed;
    private long _failed;

    /// <summary>Events run to the end since the start (done, or found done before).</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Events set aside as failed since the start.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Raised after each event is finished (for tests and metrics); never throws into the processor.</summary>
    public event Action<InboxItem>? Finished;

    /// <summary>Queues a newly taken event (called by the inbox after its commit).</summary>
    public void Enqueue(InboxItem item)
    {
        lock (_gate)
        {
            if (!_loaded)
            {
                _early.Add(item);
                return;
            }
            if (item.Seq <= _loadedUpTo)
                return; // queued by the start-up load already
        }
        Lane(item).Writer.TryWrite(item);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var lanes = options.Value.Lanes;
        _lanes = [.. Enumerable.Range(0, lanes).Select(_ => Channel.CreateUnbounded<InboxItem>(new UnboundedChannelOptions { SingleReader = true }))];
        using (ExecutionContext.SuppressFlow())
            _workers = [.. _lanes.Select(lane => Task.Run(() => RunLaneAsync(lane)))];

        var pending = await SqliteInbox.PendingAsync(database, cancellationToken);
        if (pending.Count > 0)
            logger.InboxRecovered(pending.Count);
        List<InboxItem> early;
        lock (_gate)
        {
            _loadedUpTo = pending.Count > 0 ? pending[^1].Seq : 0;
            early = [.. _early.Where(i => i.Seq > _loadedUpTo).OrderBy(i => i.Seq)];
            _early.Clear();
            foreach (var item in pending.Concat(early))
                Lane(item).Writer.TryWrite(item);
            _loaded = true;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking new work; what is queued stays pending in the database for the next start.
        await _stopping.CancelAsync();
        foreach (var lane in _lanes)
            lane.Writer.TryComplete();
        await Task.WhenAll(_workers).WaitAsync(cancellationToken);
    }

    public void Dispose() => _stopping.Dispose();

    private Channel<InboxItem> Lane(InboxItem item) =>
        _lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(item.ConversationId) % (uint)_lanes.Length)];

    private async Task RunLaneAsync(Channel<InboxItem> lane)
    {
        try
        {
            await foreach (var item in lane.Reader.ReadAllAsync(_stopping.Token))
            {
                await ProcessAsync(item);
                try
                {
                    Finished?.Invoke(item);
                }
                catch (Exception exception)
                {
                    // an observer's problem is not the processor's, but it is said
                    logger.InboxObserverFailed(exception, item.Seq);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(InboxItem item)
    {
        var outcome = await InboxAttempts.RunAsync(item, _announced, options.Value, time, logger,
            (error, attempts) => SqliteInboxTable.MarkFailedAsync(database, item.Seq, error, attempts, time.GetUtcNow(), CancellationToken.None), _stopping.Token);
        if (outcome == InboxOutcome.Done)
            Interlocked.Increment(ref _processed);
        else if (outcome == InboxOutcome.Failed)
            Interlocked.Increment(ref _failed);
    }

    /// <summary>
    /// Runs an item as <c>runner</c> does, announced to the group commit while it runs (<see cref="SqliteGroupCommit.Expect"/>):
    /// its commit is coming, so a batch that could wait for it (<c>Storage:GroupCommitWait</c>) does. Not across the
    /// wait between attempts.
    /// </summary>
    private sealed class AnnouncingRunner(IInboxItemRunner runner, SqliteGroupCommit group) : IInboxItemRunner
    {
        public async Task<bool> RunAsync(InboxItem item, CancellationToken cancellationToken)
        {
            using (group.Expect())
                return await runner.RunAsync(item, cancellationToken);
        }
    }
}
