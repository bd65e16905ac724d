namespace FlowAutomation.Server.Storage;

/// <summary>
/// The writer connection's lock: one holder at a time, waiters served in order, except that urgent waiters (the
/// inbox taking webhooks, whose callers wait for the answer) go before the others (the engine and the dispatcher,
/// which work in the background).
/// </summary>
internal sealed class WriteGate
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private readonly Queue<TaskCompletionSource> _normal = new();
    private bool _held;

    public Task WaitAsync(bool urgent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? _urgent : _normal).Enqueue(waiter);
            if (cancellationToken.CanBeCanceled)
                cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            return waiter.Task;
        }
    }

    public void Release()
    {
        while (true)
        {
            TaskCompletionSource? next;
            lock (_lock)
            {
                if (!_urgent.TryDequeue(out next) && !_normal.TryDequeue(out next))
                {
                    _held = false;
                    return;
                }
            }
            // A waiter that was cancelled does not take the gate: hand it to the next one.
            if (next.TrySetResult())
                return;
        }
    }
}
