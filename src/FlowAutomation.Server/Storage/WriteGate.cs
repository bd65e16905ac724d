namespace FlowAutomation.Server.Storage;

/// <summary>
/// The writer connection's lock: one holder at a time, waiters served in order, except that urgent waiters (the
/// inbox taking webhooks, whose callers wait for the answer) go before the others (the engine and the dispatcher,
/// which work in the background). A waiter's registration on its cancellation token (often the host's stopping
/// token, which lives as long as the process) is removed as soon as the waiter gets the gate.
/// </summary>
internal sealed class WriteGate
{
    private readonly Lock _lock = new();
    private readonly Queue<Waiter> _urgent = new();
    private readonly Queue<Waiter> _normal = new();
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
            var waiter = new Waiter();
            (urgent ? _urgent : _normal).Enqueue(waiter);
            if (cancellationToken.CanBeCanceled)
                waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Completion.TrySetCanceled(token), waiter);
            return waiter.Completion.Task;
        }
    }

    public void Release()
    {
        while (true)
        {
            Waiter? next;
            lock (_lock)
            {
                if (!_urgent.TryDequeue(out next) && !_normal.TryDequeue(out next))
                {
                    _held = false;
                    return;
                }
            }
            // The registration is set before the waiter is visible here (both happen under the lock); removing it
            // does not wait for a cancellation callback that is running: that one finds the task completed.
            next.Registration.Unregister();
            // A waiter that was cancelled does not take the gate: hand it to the next one.
            if (next.Completion.TrySetResult())
                return;
        }
    }

    private sealed class Waiter
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
