using System.Runtime.CompilerServices;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Tests.Storage;

public sealed class WriteGateTests
{
    [Fact]
    public async Task WaitAsync_ManyWaitsOnALongLivedToken_LeaveNothingReachableFromTheToken()
    {
        // The host's stopping token lives as long as the process: whatever a finished wait registered on it and did
        // not remove stays reachable from it. Each wait's task is reachable only through such a registration once the
        // wait is over, so after a collection the tasks still alive are the registrations that accumulated.
        using var stopping = new CancellationTokenSource();
        var gate = new WriteGate();

        var waits = await WaitAndReleaseAsync(gate, 200, stopping.Token);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(0, waits.Count(w => w.TryGetTarget(out _)));
        GC.KeepAlive(stopping);
    }

    [Fact]
    public async Task WaitAsync_WaiterCancelled_SkippedAndTheNextWaiterGetsTheGate()
    {
        var gate = new WriteGate();
        await gate.WaitAsync(urgent: false, CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        var first = gate.WaitAsync(urgent: false, cancelled.Token);
        var second = gate.WaitAsync(urgent: false, CancellationToken.None);

        await cancelled.CancelAsync();
        gate.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(gate.WaitAsync(urgent: false, CancellationToken.None).IsCompleted); // the second holds it
    }

    [Fact]
    public async Task WaitAsync_UrgentWaiter_GoesBeforeEarlierNormalWaiters()
    {
        var gate = new WriteGate();
        await gate.WaitAsync(urgent: false, CancellationToken.None);
        var normal = gate.WaitAsync(urgent: false, CancellationToken.None);
        var urgent = gate.WaitAsync(urgent: true, CancellationToken.None);

        gate.Release();

        await urgent.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(normal.IsCompleted);
        gate.Release();
        await normal.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Holds the gate, queues <paramref name="count"/> waits on <paramref name="token"/>, lets each through in turn, and
    /// returns weak references to their tasks (kept out of the caller's frame so that nothing else holds them).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<List<WeakReference<Task>>> WaitAndReleaseAsync(WriteGate gate, int count, CancellationToken token)
    {
        await gate.WaitAsync(urgent: false, token);
        var references = new List<WeakReference<Task>>(count);
        for (var i = 0; i < count; i++)
        {
            var wait = gate.WaitAsync(urgent: false, token);
            references.Add(new WeakReference<Task>(wait));
            gate.Release();
            await wait.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        gate.Release();
        return references;
    }
}
