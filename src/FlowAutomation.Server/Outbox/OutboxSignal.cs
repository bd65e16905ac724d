namespace FlowAutomation.Server.Outbox;

/// <summary>Wakes an idle dispatcher when something is enqueued, instead of waiting for its next poll.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
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

    public void Dispose() => _semaphore.Dispose();
}
