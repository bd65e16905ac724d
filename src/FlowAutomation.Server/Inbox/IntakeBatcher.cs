using System.Threading.Channels;
using FlowAutomation.Server.Runtime;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// Group commit of webhook requests, the same on every storage provider: requests queue, one writer takes those that
/// queued while it committed the last batch (up to <see cref="MaxBatchRecords"/> records) and hands them to the
/// provider's <c>commit</c> in one transaction. Each request is answered after that commit: its acceptance, or a
/// <see cref="RecordsNotTakenException"/> when some of its records could not be stored (503), or the commit's
/// exception when the transaction failed (nothing of the batch was written). Then the items taken go to
/// <c>taken</c> (the provider's processor).
/// </summary>
internal sealed class IntakeBatcher(
    Func<IReadOnlyList<IntakeRequest>, Task<List<InboxItem>>> commit,
    Action<List<InboxItem>> taken) : IAsyncDisposable
{
    public const int MaxBatchRecords = 512;
    private readonly Channel<IntakeRequest> _requests = Channel.CreateUnbounded<IntakeRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _writer;

    public ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
            return ValueTask.FromResult(new InboundAcceptance(0, 0));
        var request = new IntakeRequest(records);
        EnsureWriter();
        if (!_requests.Writer.TryWrite(request))
            throw new InvalidOperationException("the inbox is closed");
        return new ValueTask<InboundAcceptance>(request.Completion.Task.WaitAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        if (_writer is not null)
            await _writer;
    }

    private void EnsureWriter()
    {
        if (_writer is not null)
            return;
        lock (_gate)
        {
            if (_writer is not null)
                return;
            // Not on the caller's execution context: the writer outlives the request that started it.
            using (ExecutionContext.SuppressFlow())
                _writer = Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<IntakeRequest>();
        while (await _requests.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var count = 0;
            while (count < MaxBatchRecords && _requests.Reader.TryRead(out var request))
            {
                batch.Add(request);
                count += request.Records.Count;
            }
            try
            {
                var items = await commit(batch);
                foreach (var request in batch)
                {
                    if (request.NotTaken > 0)
                        request.Completion.TrySetException(new RecordsNotTakenException(request.NotTaken, request.Records.Count));
                    else
                        request.Completion.TrySetResult(new InboundAcceptance(request.Accepted, request.Records.Count - request.Accepted));
                }
                taken(items);
            }
            catch (Exception exception)
            {
                // The transaction did not commit: nothing of the batch was written, every request is answered 503.
                foreach (var request in batch)
                    request.Completion.TrySetException(exception);
            }
        }
    }
}

/// <summary>One webhook request's records in a batch, and what the provider's commit made of them.</summary>
internal sealed class IntakeRequest(IReadOnlyList<InboundRecord> records)
{
    public IReadOnlyList<InboundRecord> Records { get; } = records;

    public int Accepted { get; set; }

    /// <summary>Records that could not be stored (the request is answered 503; the others are taken).</summary>
    public int NotTaken { get; set; }

    public TaskCompletionSource<InboundAcceptance> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
