using FlowAutomation.Runtime;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// The engine's gate: one lane per conversation, entered at once when nobody is in it and handed on to one waiter when
/// somebody is; kept idle for the conversation's next event up to <see cref="ConversationGate.IdleLimit"/> lanes, retired
/// past that. Two conversations never wait for each other, and a wait that is cancelled must not keep its lane open.
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
        (await gate.EnterAsync("c-1", CancellationToken.None)).Dispose(); // c-1's lane is left idle
        var second = await gate.EnterAsync("c-2", CancellationToken.None);

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
    public async Task Enter_ManyConversationsAtOnce_EachRunsAloneAndNoLaneStaysOpen()
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

    [Fact]
    public async Task Enter_AfterTheLastLeft_TakesTheIdleLaneAtOnce()
    {
        var gate = new ConversationGate();
        (await gate.EnterAsync("c-1", CancellationToken.None)).Dispose();
        Assert.Equal(0, gate.OpenLanes);
        Assert.Equal(1, gate.KeptLanes);

        var next = gate.EnterAsync("c-1", CancellationToken.None);

        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(1, gate.OpenLanes);
        Assert.Equal(1, gate.KeptLanes); // the same lane, not a second one
        (await next).Dispose();
    }

    [Fact]
    public async Task Leave_MoreLanesThanTheIdleLimit_RetiresLanesNobodyIsIn()
    {
        var gate = new ConversationGate();
        var count = ConversationGate.IdleLimit + 10;
        var leases = new List<ConversationGate.Lease>();
        for (var i = 0; i < count; i++)
        {
            leases.Add(await gate.EnterAsync("c-" + i, CancellationToken.None));
        }

        Assert.Equal(count, gate.OpenLanes);
        leases.ForEach(lease => lease.Dispose());

        Assert.Equal(0, gate.OpenLanes);
        Assert.Equal(ConversationGate.IdleLimit, gate.KeptLanes);
        var again = gate.EnterAsync("c-0", CancellationToken.None); // its lane was retired: a new one, free
        Assert.True(again.IsCompletedSuccessfully);
        (await again).Dispose();
    }

    [Fact]
    public async Task Leave_ManyConversationsChurnedInParallel_KeepsExactlyTheIdleLimitAfterwards()
    {
        // The gate counts its lanes beside the dictionary; a count that drifted from it under concurrency would retire
        // lanes below the limit (counted too many) or keep more than the limit (counted too few).
        var gate = new ConversationGate();
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 2_000; i++)
            {
                using var lease = await gate.EnterAsync("c-" + random.Next(1_000), CancellationToken.None);
            }
        }));
        await Task.WhenAll(workers);
        Assert.Equal(0, gate.OpenLanes);

        for (var i = 0; i < ConversationGate.IdleLimit + 50; i++)
        {
            (await gate.EnterAsync("fresh-" + i, CancellationToken.None)).Dispose();
        }

        Assert.Equal(ConversationGate.IdleLimit, gate.KeptLanes);
    }

    [Fact]
    public async Task Enter_ThreeInOneLane_HandedOnOneAtATimeInTurn()
    {
        var gate = new ConversationGate();
        var first = await gate.EnterAsync("c-1", CancellationToken.None);
        var second = gate.EnterAsync("c-1", CancellationToken.None).AsTask();
        var third = gate.EnterAsync("c-1", CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        first.Dispose();
        var next = await Task.WhenAny(second, third).WaitAsync(Patience);
        var other = next == second ? third : second;
        Assert.False(other.IsCompleted); // one handed on, the other still waits

        (await next).Dispose();
        (await other.WaitAsync(Patience)).Dispose();
        Assert.Equal(0, gate.OpenLanes);
        var last = gate.EnterAsync("c-1", CancellationToken.None);
        Assert.True(last.IsCompletedSuccessfully);
        (await last).Dispose();
    }

    [Fact]
    public async Task Enter_ManyWaitersSomeCancelled_NeverTwoInALaneAndTheLaneEndsFree()
    {
        // Cancellations race the hand-ons: a hand-on that comes too late for a cancelled waiter must go to the next
        // one or be taken back, never let two in at once or leave the lane taken.
        var gate = new ConversationGate();
        var inside = 0;
        var overlaps = 0;

        await Task.WhenAll(Enumerable.Range(0, 600).Select(i => Task.Run(async () =>
        {
            using var cancel = new CancellationTokenSource();
            if (i % 3 == 0)
            {
                cancel.CancelAfter(TimeSpan.FromTicks(i % 7));
            }

            ConversationGate.Lease lease;
            try
            {
                lease = await gate.EnterAsync("c-1", cancel.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (Interlocked.Increment(ref inside) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Yield();
            Interlocked.Decrement(ref inside);
            lease.Dispose();
        }))).WaitAsync(Patience);

        Assert.Equal(0, overlaps);
        Assert.Equal(0, gate.OpenLanes);
        var next = gate.EnterAsync("c-1", CancellationToken.None);
        Assert.True(next.IsCompletedSuccessfully);
        (await next).Dispose();
    }
}
