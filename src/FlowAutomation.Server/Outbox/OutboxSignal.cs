using FlowAutomation.Runtime;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Outbox;

/// <summary>Wakes an idle dispatcher when something is enqueued (an engine commit with messages), instead of waiting for its next poll.</summary>
public sealed class OutboxSignal : IDisposable, ICommitListener
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        // Already signalled: one wake-up is enough. Looked at first, because every engine commit with messages notifies
        // and in a busy service most find the signal set: the full semaphore's exception (thrown and caught) cost more
        // than the commit's own audit rows.
        if (_semaphore.CurrentCount > 0)
            return;
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Signalled by another commit between the look and the release.
        }
    }

    /// <summary>Completes when notified or when <paramref name="timeout"/> passes on <paramref name="time"/>.</summary>
    internal async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, stop.Token);
        var wake = _semaphore.WaitAsync(stop.Token);
        await Task.WhenAny(delay, wake);
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    ValueTask ICommitListener.CommittedAsync(EngineCommit commit, CancellationToken cancellationToken)
    {
        if (commit.Messages.Count > 0)
            Notify();
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _semaphore.Dispose();
}
