using FlowAutomation.Runtime;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// The engine's gate: one lane per conversation, retired when the last one leaves and pooled for the next
/// conversation. A pooled lane must never make two conversations wait for each other, and a wait that is cancelled
/// must not keep its lane open.
/// </summary>
public sealed class ConversationGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Enter_SameConversationTwice_SecondWaitsUntilTheFirstLeaves()
    {
        var gate = new ConversationGate();
        var first = await gate.EnterAsync("c-1", CancellationToken.None);

        var second = gate.EnterAsync("c-1", CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(Patience)).Dispose();
        Assert.Equal(0, gate.OpenLanes);
    }

    [Fact]
    public async Task Enter_LaneReusedByAnotherConversation_DoesNotWaitForIt()
    {
        var gate = new ConversationGate();
        (await gate.EnterAsync("c-1", CancellationToken.None)).Dispose(); // c-1's lane is retired and pooled
        var second = await gate.EnterAsync("c-2", CancellationToken.None); // c-2 takes the pooled lane

        var first = gate.EnterAsync("c-1", CancellationToken.None).AsTask();

        Assert.True(first.IsCompleted); // c-1 gets a lane of its own and does not wait for c-2
        (await first).Dispose();
        second.Dispose();
        Assert.Equal(0, gate.OpenLanes);
    }

    [Fact]
    public async Task Enter_CancelledWhileWaiting_LeavesTheLane()
    {
        var gate = new ConversationGate();
        var first = await gate.EnterAsync("c-1", CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync("c-1", cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
        first.Dispose();
        Assert.Equal(0, gate.OpenLanes);
        var next = gate.EnterAsync("c-1", CancellationToken.None).AsTask();
        Assert.True(next.IsCompleted);
        (await next).Dispose();
    }

    [Fact]
    public async Task Enter_FreeLaneWithCancelledToken_ThrowsAndLeavesTheLane()
    {
        // A free lane is taken without waiting; a token already cancelled still cancels, as the semaphore's wait did.
        var gate = new ConversationGate();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.EnterAsync("c-1", cancel.Token).AsTask());

        Assert.Equal(0, gate.OpenLanes);
        var next = gate.EnterAsync("c-1", CancellationToken.None);
        Assert.True(next.IsCompletedSuccessfully);
        (await next).Dispose();
        Assert.Equal(0, gate.OpenLanes);
    }

    [Fact]
    public async Task Enter_ManyConversationsAtOnce_EachRunsAloneAndAllLanesRetire()
    {
        var gate = new ConversationGate();
        var inside = new int[8];
        var overlaps = 0;

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var conversation = i % inside.Length;
            using var lease = await gate.EnterAsync("c-" + conversation, CancellationToken.None);
            if (Interlocked.Increment(ref inside[conversation]) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Yield();
            Interlocked.Decrement(ref inside[conversation]);
        }))).WaitAsync(Patience);

        Assert.Equal(0, overlaps);
        Assert.Equal(0, gate.OpenLanes);
    }
}
