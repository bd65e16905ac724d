using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Tests.Runtime;

public sealed class FlowEngineTests
{
    private static readonly DateTimeOffset Monday10Sgt = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private sealed class Harness
    {
        public Harness(string yaml, EngineOptions? options = null)
        {
            var compiled = new FlowCompiler().CompileTexts(("flows/t.yaml", yaml));
            Assert.Empty(compiled.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()));
            Clock = new ManualTimeProvider(Monday10Sgt);
            Scheduler = new VirtualFollowUpScheduler(Clock);
            Engine = new FlowEngine(compiled.Flows, new EngineStore(Store, Outbox), Scheduler, Clock, Trace, options);
        }

        public ManualTimeProvider Clock { get; }

        public VirtualFollowUpScheduler Scheduler { get; }

        public InMemoryConversationStore Store { get; } = new();

        public RecordingOutbox Outbox { get; } = new();

        public TraceLog Trace { get; } = new();

        public FlowEngine Engine { get; }

        public IEnumerable<string?> Texts => Outbox.Messages.Select(m => m.Message.Text);

        public ValueTask<EventOutcome> Say(string text, string conversation = "c-1") =>
            Engine.HandleAsync(new InboundEvent(conversation, "u-1", FlowEvent.TextReceived(Clock.GetUtcNow(), text), "Ann Lee", "SG"));

        public async Task AdvanceAsync(TimeSpan by) => await Scheduler.RunDueAsync(Clock.GetUtcNow() + by, Engine, default);
    }

    [Fact]
    public async Task Handle_MatchingMessage_TagsAssignsAndReplies()
    {
        var h = new Harness("""
            flow: price
            on: message.received
            when: { message.text: { contains: price } }
            then:
              - tag: price-asked
              - assign: { team: sales }
              - reply: "Hi {{first_word contact.name}}, here is the price list."
            """, new EngineOptions { Teams = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("sales", ["ana", "ben"]) });

        var outcome = await h.Say("What is the price?");

        Assert.Equal(["price"], outcome.Fired.ToArray());
        Assert.Equal(["Hi Ann, here is the price list."], h.Texts);
        var state = await h.Store.FindAsync("c-1");
        Assert.Contains("price-asked", state!.Tags);
        Assert.Equal(("ana", "sales"), (state.Assignee, state.Team));
        Assert.Equal(1, state.WindowSends);
    }

    [Fact]
    public async Task Handle_FlowWithoutMatchingTrigger_SendsNothingMore()
    {
        var h = new Harness("""
            flow: chatty
            on: message.received
            then:
              - reply: "one"
              - reply: "two"
              - reply: "three"
              - reply: "four"
              - reply: "five"
              - reply: "six"
            """);

        await h.Say("hi");
        var second = await h.Engine.HandleAsync(new InboundEvent("c-1", "u-1", FlowEvent.ReferralReceived(h.Clock.GetUtcNow(), new Referral(ReferralSource.Ad, "ad-1", null))));

        Assert.Equal(6, h.Outbox.Messages.Count);
        Assert.Equal(0, second.Sent);
        var blocked = h.Trace.Records.OfType<ActionTrace>().Where(a => a.Status == ActionStatus.Blocked).ToList();
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task Handle_QuotaReached_BlocksWithQuotaExhausted()
    {
        var h = new Harness("""
            flow: chatty
            on: message.received
            when: { message.text: { contains: more } }
            then:
              - reply: "one"
              - reply: "two"
              - reply: "three"
              - reply: "four"
            """, new EngineOptions { Policy = FlowAutomation.Policy.PolicyProfile.TikTok with { MessagesPerWindow = 3 } });

        var outcome = await h.Say("more please");

        Assert.Equal((3, 1), (outcome.Sent, outcome.Blocked));
        var blocked = Assert.Single(h.Trace.Records.OfType<ActionTrace>(), a => a.Status == ActionStatus.Blocked);
        Assert.Equal("quota_exhausted", blocked.Reason);
    }

    [Fact]
    public async Task FollowUp_CustomerSilent_FiresAndIsDecidedWhenDue()
    {
        var h = new Harness("""
            flow: nudge
            on: message.received
            once_per: conversation
            then:
              - reply: "Thanks!"
              - follow_up:
                  after: 24h
                  unless: customer_replied
                  then:
                    - reply: "Still there, {{contact.name}}?"
            """);

        await h.Say("hello");
        await h.AdvanceAsync(TimeSpan.FromHours(25));

        Assert.Equal(["Thanks!", "Still there, Ann Lee?"], h.Texts);
        Assert.Equal(Monday10Sgt.AddHours(24), h.Outbox.Messages[1].DecidedAt);
    }

    [Fact]
    public async Task FollowUp_CustomerReplied_IsCancelled()
    {
        var h = new Harness("""
            flow: nudge
            on: message.received
            once_per: conversation
            then:
              - reply: "Thanks!"
              - follow_up:
                  after: 24h
                  unless: customer_replied
                  then:
                    - reply: "Still there?"
            """);

        await h.Say("hello");
        h.Clock.Advance(TimeSpan.FromHours(2));
        await h.Say("yes I am here");
        await h.AdvanceAsync(TimeSpan.FromHours(30));

        Assert.Equal(["Thanks!"], h.Texts);
        Assert.Empty(await h.Scheduler.PendingAsync("c-1", default));
        Assert.Contains(h.Trace.Records.OfType<ActionTrace>(), a => a.Status == ActionStatus.Cancelled && a.Detail.Contains("customer replied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FollowUp_WithoutUnless_PastTheWindow_IsBlockedWindowExpired()
    {
        var h = new Harness("""
            flow: late
            on: message.received
            then:
              - follow_up:
                  after: 50h
                  then:
                    - reply: "Too late"
            """);

        await h.Say("hello");
        await h.AdvanceAsync(TimeSpan.FromHours(51));

        Assert.Empty(h.Outbox.Messages);
        var blocked = Assert.Single(h.Trace.Records.OfType<ActionTrace>(), a => a.Status == ActionStatus.Blocked);
        Assert.Equal("window_expired", blocked.Reason);
    }

    [Fact]
    public async Task Handle_TagChain_RunsTheTaggedFlowInTheSameEvent()
    {
        var h = new Harness("""
            flow: detect
            priority: 10
            on: message.received
            when: { message.text: { contains: wholesale } }
            then: [ { tag: vip } ]
            ---
            flow: vip
            on: contact.tagged
            when: { event.tag: vip }
            then:
              - assign: vip-desk
              - reply: "Welcome, VIP!"
            """);

        var outcome = await h.Say("wholesale prices?");

        Assert.Equal(["detect", "vip"], outcome.Fired.ToArray());
        Assert.Equal(["Welcome, VIP!"], h.Texts);
        Assert.Equal("vip-desk", (await h.Store.FindAsync("c-1"))!.Assignee);
    }

    [Fact]
    public async Task Handle_StopInHigherPriorityFlow_HaltsLowerFlows()
    {
        var h = new Harness("""
            flow: first
            priority: 10
            on: message.received
            then: [ { reply: "first" }, stop ]
            ---
            flow: second
            on: message.received
            then: [ { reply: "second" } ]
            """);

        var outcome = await h.Say("hi");

        Assert.Equal(["first"], outcome.Fired.ToArray());
        Assert.Equal(["first"], h.Texts);
    }

    [Fact]
    public async Task Handle_ConcurrentMessagesForOneConversation_NeverExceedTheQuota()
    {
        var h = new Harness("""
            flow: echo
            on: message.received
            then: [ { reply: "ok" }, { reply: "ok again" } ]
            """);

        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => h.Say("m" + i).AsTask()));

        var state = await h.Store.FindAsync("c-1");
        Assert.Equal(64, state!.InboundCount);
        Assert.Equal(128, h.Outbox.Messages.Count); // each message opens a fresh window: 2 replies each
        Assert.Equal(64, h.Trace.Records.OfType<EventTrace>().Count(e => e.Type == "message.received"));
    }
}
