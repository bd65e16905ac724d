namespace FlowAutomation.Tests.TestSupport;

/// <summary>
/// A safety net for tests that feed hostile input: the work runs on the thread pool and the test fails (instead of
/// hanging the run) if it has not finished after a generous limit. It asserts nothing about speed.
/// </summary>
internal static class Bounded
{
    public static readonly TimeSpan SafetyLimit = TimeSpan.FromMinutes(3);

    public static async Task<T> RunAsync<T>(Func<T> work)
    {
        using var cts = new CancellationTokenSource(SafetyLimit);
        try
        {
            return await Task.Run(work, cts.Token).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"the work did not finish within the safety limit of {SafetyLimit}; it probably hangs");
        }
    }

    public static Task RunAsync(Action work) => RunAsync(() =>
    {
        work();
        return true;
    });
}
