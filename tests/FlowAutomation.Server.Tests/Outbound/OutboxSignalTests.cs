using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Storage;
using FlowAutomation.State;

namespace FlowAutomation.Server.Tests.Outbound;

/// <summary>The dispatcher's wake-up: notifications while it is already signalled keep one wake-up, not one each.</summary>
public sealed class OutboxSignalTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Notify_SeveralTimesWhileSignalled_OneWakeUpThenTheWaitRunsToItsTimeout()
    {
        using var signal = new OutboxSignal();
        var time = new FakeTimeProvider();

        signal.Notify();
        signal.Notify();
        signal.Notify();
        await signal.WaitAsync(Poll, time, CancellationToken.None);
        var second = signal.WaitAsync(Poll, time, CancellationToken.None);

        Assert.False(second.IsCompleted);
        time.Advance(Poll);
        await second;
    }

    [Fact]
    public async Task CommittedAsync_CommitsWithMessagesWhileSignalled_OneWakeUpAndNoneForACommitWithout()
    {
        using var signal = new OutboxSignal();
        ICommitListener listener = signal;
        var time = new FakeTimeProvider();
        var state = ConversationState.New("c-1", "u-1");
        var message = new OutgoingMessage("c/m/1", "c-1", "u-1", "f", new TextContent("hi"), time.GetUtcNow(), time.GetUtcNow().AddHours(1));

        await listener.CommittedAsync(new EngineCommit(state, [], [], [], [], [], null), CancellationToken.None);
        var idle = signal.WaitAsync(Poll, time, CancellationToken.None);
        Assert.False(idle.IsCompleted);
        time.Advance(Poll);
        await idle;
        for (var i = 0; i < 3; i++)
            await listener.CommittedAsync(new EngineCommit(state, [message], [], [], [], [], null), CancellationToken.None);
        await signal.WaitAsync(Poll, time, CancellationToken.None);
        var after = signal.WaitAsync(Poll, time, CancellationToken.None);

        Assert.False(after.IsCompleted);
        time.Advance(Poll);
        await after;
    }
}
