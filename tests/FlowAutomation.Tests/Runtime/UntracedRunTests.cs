using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// A store whose trace sink drops every record (<see cref="ITraceSink.KeepsRecords"/> false) gets no trace records
/// built, and everything else the engine does is the same: outcomes, messages, stored state.
/// </summary>
public sealed class UntracedRunTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly string[] Texts =
    [
        "How much is the serum?", "hello", "Where is my parcel?", "Do you sell wholesale?", "thanks!",
        "price for the toner please", "is shipping free?", "ok", "I need 100 pcs", "what are your hours",
    ];

    private sealed class DroppingSink : ITraceSink
    {
        public int Written { get; private set; }

        public bool KeepsRecords => false;

        public void Write(TraceRecord record) => Written++;
    }

    private sealed record Rig(FlowEngine Engine, InMemoryConversationStore Store, RecordingOutbox Outbox, ManualTimeProvider Clock);

    private static Rig Build(ITraceSink sink)
    {
        var flows = new FlowCompiler().CompilePaths([RepoPaths.Of("flows")]).Flows;
        Assert.NotEmpty(flows);
        var clock = new ManualTimeProvider(Start);
        var (store, outbox) = (new InMemoryConversationStore(), new RecordingOutbox());
        return new Rig(new FlowEngine(flows, new EngineStore(store, outbox, new VirtualFollowUpScheduler(clock), sink), clock), store, outbox, clock);
    }

    private static async Task<List<string>> RunAsync(Rig rig)
    {
        var outcomes = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var at = Start + TimeSpan.FromMinutes(7 * i);
            rig.Clock.SetUtcNow(at);
            var outcome = await rig.Engine.HandleAsync(new InboundEvent($"c-{i % 4}", $"u-{i % 4}", FlowEvent.TextReceived(at, Texts[i % Texts.Length]), "Ann Lee", "SG"));
            outcomes.Add($"{string.Join(",", outcome.Fired)} sent {outcome.Sent} blocked {outcome.Blocked}");
        }

        return outcomes;
    }

    [Fact]
    public async Task HandleAsync_SinkKeepsNoRecords_NoRecordWrittenAndTheSameOutcomesMessagesAndState()
    {
        // The renderer's limit is real time (TemplateLimits.RenderTime): on a loaded machine the process's first render,
        // JIT included, can exceed it and block a reply in whichever run comes first. One run beforehand takes that.
        await RunAsync(Build(new TraceLog()));
        var traced = Build(new TraceLog());
        var sink = new DroppingSink();
        var untraced = Build(sink);

        var expected = await RunAsync(traced);
        var actual = await RunAsync(untraced);

        Assert.Equal(0, sink.Written);
        Assert.Equal(expected, actual);
        Assert.Contains(expected, o => !o.StartsWith(" sent", StringComparison.Ordinal)); // some flows fired
        Assert.Equal(traced.Outbox.Messages, untraced.Outbox.Messages);
        for (var c = 0; c < 4; c++)
        {
            var (a, b) = (await traced.Store.FindAsync($"c-{c}", default), await untraced.Store.FindAsync($"c-{c}", default));
            Assert.NotNull(a);
            Assert.NotNull(b);
            Assert.Equal(a.Tags.Order(StringComparer.Ordinal), b.Tags.Order(StringComparer.Ordinal));
            Assert.Equal(a.FlowsFired.OrderBy(f => f.Key, StringComparer.Ordinal), b.FlowsFired.OrderBy(f => f.Key, StringComparer.Ordinal));
            Assert.Equal((a.Version, a.WindowStart, a.WindowEnd, a.WindowSends, a.OutboundCount, a.Assignee), (b.Version, b.WindowStart, b.WindowEnd, b.WindowSends, b.OutboundCount, b.Assignee));
        }
    }
}
