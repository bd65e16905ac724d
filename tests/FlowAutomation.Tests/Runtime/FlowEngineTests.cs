using System.Collections.Immutable;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Testing;

namespace FlowAutomation.Tests.Runtime;

public sealed class FlowEngineTests
{
    private static readonly DateTimeOffset Monday10Sgt = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static FlowTestHarness Harness(string yaml, EngineOptions? options = null) => FlowTestHarness.FromYaml(yaml, Monday10Sgt, options);

    [Fact]
    public async Task Handle_MatchingMessage_TagsAssignsAndReplies()
    {
        var h = Harness("""
            flow: price
            on: message.received
            when: { message.text: { contains: price } }
            then:
              - tag: price-asked
              - assign: { team: sales }
              - reply: "Hi {{ contact.name ?? 'there' | string.split ' ' | array.first }}, here is the price list."
            """, new EngineOptions { Teams = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("sales", ["ana", "ben"]) });

        var outcome = await h.ReceiveAsync("What is the price?");

        Assert.Equal(["price"], outcome.Fired.ToArray());
        Assert.Equal(["Hi Ann, here is the price list."], h.SentTexts);
        var state = await h.StateAsync();
        Assert.Contains("price-asked", state!.Tags);
        Assert.Equal(("ana", "sales"), (state.Assignee, state.Team));
        Assert.Equal(1, state.WindowSends);
    }

    [Fact]
    public async Task Handle_FlowWithoutMatchingTrigger_SendsNothingMore()
    {
        var h = Harness("""
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

        await h.ReceiveAsync("hi");
        var second = await h.ReferralAsync(ReferralSource.Ad, "ad-1");

        Assert.Equal(6, h.Outbox.Messages.Count);
        Assert.Equal(0, second.Sent);
        var blocked = h.Trace.Records.OfType<ActionTrace>().Where(a => a.Status == ActionStatus.Blocked).ToList();
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task Handle_QuotaReached_BlocksWithQuotaExhausted()
    {
        var h = Harness("""
            flow: chatty
            priority: 1
            on: message.received
            when: { message.text: { contains: more } }
            then:
              - reply: "one"
              - reply: "two"
            ---
            flow: chattier
            on: message.received
            then:
              - reply: "three"
              - reply: "four"
            """, new EngineOptions { Policy = FlowAutomation.Policy.PolicyProfile.TikTok with { MessagesPerWindow = 3 } });

        var outcome = await h.ReceiveAsync("more please");

        Assert.Equal((3, 1), (outcome.Sent, outcome.Blocked));
        var blocked = Assert.Single(h.Trace.Records.OfType<ActionTrace>(), a => a.Status == ActionStatus.Blocked);
        Assert.Equal("quota_exhausted", blocked.Reason);
    }

    [Fact]
    public async Task FollowUp_CustomerSilent_FiresAndIsDecidedWhenDue()
    {
        var h = Harness("""
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

        await h.ReceiveAsync("hello");
        await h.AdvanceAsync(TimeSpan.FromHours(25));

        Assert.Equal(["Thanks!", "Still there, Ann Lee?"], h.SentTexts);
        Assert.Equal(Monday10Sgt.AddHours(24), h.Outbox.Messages[1].DecidedAt);
    }

    [Fact]
    public async Task FollowUp_CustomerReplied_IsCancelled()
    {
        var h = Harness("""
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

        await h.ReceiveAsync("hello");
        h.Clock.Advance(TimeSpan.FromHours(2));
        await h.ReceiveAsync("yes I am here");
        await h.AdvanceAsync(TimeSpan.FromHours(30));

        Assert.Equal(["Thanks!"], h.SentTexts);
        Assert.Empty(await h.Scheduler.PendingAsync(h.ConversationId, default));
        Assert.Contains(h.Trace.Records.OfType<ActionTrace>(), a => a.Status == ActionStatus.Cancelled && a.Detail.Contains("customer replied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FollowUp_WithoutUnless_PastTheWindow_IsBlockedWindowExpired()
    {
        var h = Harness("""
            flow: late
            on: message.received
            then:
              - follow_up:
                  after: 50h
                  then:
                    - reply: "Too late"
            """);

        await h.ReceiveAsync("hello");
        await h.AdvanceAsync(TimeSpan.FromHours(51));

        Assert.Empty(h.Outbox.Messages);
        var blocked = Assert.Single(h.Trace.Records.OfType<ActionTrace>(), a => a.Status == ActionStatus.Blocked);
        Assert.Equal("window_expired", blocked.Reason);
    }

    [Fact]
    public async Task Handle_TagChain_RunsTheTaggedFlowInTheSameEvent()
    {
        var h = Harness("""
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

        var outcome = await h.ReceiveAsync("wholesale prices?");

        Assert.Equal(["detect", "vip"], outcome.Fired.ToArray());
        Assert.Equal(["Welcome, VIP!"], h.SentTexts);
        Assert.Equal("vip-desk", (await h.StateAsync())!.Assignee);
    }

    [Fact]
    public async Task Handle_StopInHigherPriorityFlow_HaltsLowerFlows()
    {
        var h = Harness("""
            flow: first
            priority: 10
            on: message.received
            then: [ { reply: "first" }, stop ]
            ---
            flow: second
            on: message.received
            then: [ { reply: "second" } ]
            """);

        var outcome = await h.ReceiveAsync("hi");

        Assert.Equal(["first"], outcome.Fired.ToArray());
        Assert.Equal(["first"], h.SentTexts);
    }

    [Fact]
    public async Task Handle_ConcurrentMessagesForOneConversation_NeverExceedTheQuota()
    {
        var h = Harness("""
            flow: echo
            on: message.received
            then: [ { reply: "ok" }, { reply: "ok again" } ]
            """);

        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => h.ReceiveAsync("m" + i)));

        var state = await h.StateAsync();
        Assert.Equal(64, state!.InboundCount);
        Assert.Equal(128, h.Outbox.Messages.Count); // each message opens a fresh window: 2 replies each
        Assert.Equal(64, h.Trace.Records.OfType<EventTrace>().Count(e => e.Type == "message.received"));
    }
}
