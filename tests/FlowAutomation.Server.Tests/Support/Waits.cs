namespace FlowAutomation.Server.Tests.Support;

/// <summary>Waiting on real signals with a bound, never sleeping: a condition checked again at each signal.</summary>
internal static class Waits
{
    /// <summary>Waits until <paramref name="condition"/> holds, checking it again each time <paramref name="changed"/> completes.</summary>
    public static async Task UntilAsync(Func<bool> condition, Func<Task> changed, TimeSpan timeout, Func<string> what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var next = changed();
            if (condition())
                return;
            try
            {
                await next.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what()}");
            }
        }
    }

    /// <summary>
    /// Asks <paramref name="probe"/> until it says done, again each time <paramref name="changed"/> completes or after
    /// a second without a change (the service's own work, a follow-up, a lease, shows itself to nothing the test hears).
    /// </summary>
    public static async Task<T> SettledAsync<T>(Func<CancellationToken, Task<(bool Done, T Value)>> probe, Func<Task> changed, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var last = default(T);
        while (true)
        {
            var next = changed();
            try
            {
                var (done, value) = await probe(cancel.Token);
                if (done)
                    return value;
                last = value;
                await next.WaitAsync(TimeSpan.FromSeconds(1), cancel.Token);
            }
            catch (TimeoutException)
            {
                // a second without a change: ask again
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what} did not settle in {timeout.TotalSeconds} s; last seen: {last}");
            }
        }
    }
}
