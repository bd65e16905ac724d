using System.Text.Json;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// The engine changes one draft per event in place and the store in memory keeps that draft itself
/// (ConversationState.Draft.cs): a state anyone has read must still never change, and every event that changes the
/// conversation must leave a new state.
/// </summary>
public sealed class EngineDraftTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly string[] Texts =
    [
        "How much is the serum?", "hello", "Where is my parcel?", "Do you sell wholesale?", "thanks!",
        "price for the toner please", "is shipping free?", "ok", "I need 100 pcs", "what are your hours",
    ];

    [Fact]
    public async Task HandleAsync_ShippedFlowsManyEvents_EveryStateReadStaysAsItWasRead()
    {
        var flows = new FlowCompiler().CompilePaths([RepoPaths.Of("flows")]).Flows;
        var clock = new ManualTimeProvider(Start);
        var store = new InMemoryConversationStore();
        var outbox = new RecordingOutbox();
        var engine = new FlowEngine(flows, new EngineStore(store, outbox, new VirtualFollowUpScheduler(clock), new TraceLog()), clock);
        var read = new List<(ConversationState State, string Json)>();

        for (var i = 0; i < 200; i++)
        {
            var at = Start + TimeSpan.FromMinutes(41 * i);
            clock.SetUtcNow(at);
            var conversation = $"c-{i % 3}";
            var before = await store.FindAsync(conversation);
            if (i % 9 == 4)
            {
                await engine.RecordAgentMessageAsync(new AgentMessage(conversation, at, $"u-{i % 3}", "on it"));
            }
            else
            {
                await engine.HandleAsync(new InboundEvent(conversation, $"u-{i % 3}", FlowEvent.TextReceived(at, Texts[i % Texts.Length]), "Ann Lee", "SG"));
            }

            var after = await store.FindAsync(conversation);
            Assert.NotNull(after);
            Assert.NotSame(before, after);
            Assert.Equal((before?.Version ?? 0) + 1, after.Version);
            read.Add((after, JsonSerializer.Serialize(after)));
        }

        Assert.NotEmpty(outbox.Messages);
        Assert.Contains(read, r => r.State.Tags.Count > 0);
        Assert.All(read, r => Assert.Equal(r.Json, JsonSerializer.Serialize(r.State)));
    }

    [Fact]
    public async Task TryKeep_StoredVersionMatches_KeepsTheDraftItselfWithItsVersionRaised()
    {
        var store = new InMemoryConversationStore();
        var first = await store.TrySaveAsync(ConversationState.New("c-1"));
        Assert.NotNull(first);
        var draft = first.Draft().ApplyTag("vip");

        var kept = store.TryKeep(draft, []);

        Assert.Same(draft, kept);
        Assert.Equal(2, draft.Version);
        Assert.Same(draft, await store.FindAsync("c-1"));
        Assert.Empty(first.Tags);
        Assert.Equal(1, first.Version);
    }

    [Fact]
    public async Task TryKeep_AnotherWriterSavedFirst_ReturnsNullAndLeavesDraftAndStoredStateAsTheyWere()
    {
        var store = new InMemoryConversationStore();
        var first = await store.TrySaveAsync(ConversationState.New("c-1"));
        Assert.NotNull(first);
        var draft = first.Draft().ApplyTag("vip");
        var other = await store.TrySaveAsync(first.WithTag("other"));
        Assert.NotNull(other);

        var kept = store.TryKeep(draft, []);

        Assert.Null(kept);
        Assert.Equal(1, draft.Version);
        Assert.Same(other, await store.FindAsync("c-1"));
        Assert.Equal(2, other.Version);
    }
}
