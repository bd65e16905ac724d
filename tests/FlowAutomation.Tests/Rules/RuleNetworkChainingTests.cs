using System.Collections.Immutable;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>Forward chaining: tags raise contact.tagged events, breadth first, within a depth bound.</summary>
public sealed class RuleNetworkChainingTests
{
    private static string OnTag(string id, string tag, string then = "- close: true", string extra = "") => $"""
        flow: {id}
        on: contact.tagged
        {extra}
        when:
          event.tag: {tag}
        then:
          {then}
        ---

        """;

    private const string Tagger = """
        flow: tagger
        on: message.received
        then:
          - tag: [hot, vip]
        ---

        """;

    private static List<string> Describe(RuleEvaluation result)
    {
        var lines = new List<string>();
        foreach (var a in result)
        {
            lines.Add($"{a.Depth}:{a.Flow.Id}:{a.Event.Tag}");
        }

        return lines;
    }

    [Fact]
    public void Evaluate_TagAction_RaisesTaggedEventsBreadthFirst()
    {
        var flows = Flows(Tagger + OnTag("on-hot", "hot", "- tag: warm") + OnTag("on-vip", "vip") + OnTag("on-warm", "warm"));
        var result = RuleNetwork.Build(flows).CreateSession().Evaluate(Message("hi"));

        Assert.Equal(["0:tagger:", "1:on-hot:hot", "1:on-vip:vip", "2:on-warm:warm"], Describe(result));
        Assert.Equal(4, result.EventCount);
        Assert.False(result.DepthLimitReached);
        Assert.Equal(["hot", "vip"], result[1].Facts.Contact.Tags.Order(StringComparer.Ordinal));
        Assert.Equal(["hot", "vip", "warm"], result[3].Facts.Contact.Tags.Order(StringComparer.Ordinal));
        Assert.Equal(Monday10Utc, result[3].Event.At);
        Assert.Equal(
            ["tagger", "on-hot", "on-vip", "on-warm"],
            NaiveEvaluator.Evaluate(flows, Message("hi"), (_, _) => false).Firings.Select(f => f.FlowId));
    }

    [Fact]
    public void Evaluate_TagAlreadyHeld_RaisesNoEvent()
    {
        var network = Network(Tagger + OnTag("on-hot", "hot") + OnTag("on-vip", "vip"));

        Assert.Equal(["tagger", "on-vip"], Fired(network, Message("hi", Contact("SG", "HOT"))));
    }

    [Fact]
    public void Evaluate_TagsAfterStop_AreNotApplied()
    {
        var network = Network("""
            flow: tagger
            on: message.received
            then:
              - tag: before
              - stop: true
              - tag: after
            ---

            """ + OnTag("on-before", "before") + OnTag("on-after", "after"));

        Assert.Equal(["tagger", "on-before"], Fired(network, Message("hi")));
    }

    [Fact]
    public void Evaluate_UntagBeforeTag_NextLevelSeesTheTagRemoved()
    {
        var flows = Flows("""
            flow: swap
            on: message.received
            then:
              - untag: Old
              - tag: new
            ---
            flow: needs-old-gone
            on: contact.tagged
            when:
              event.tag: new
              contact.tags: { lacks: old }
            then:
              - close: true
            """);

        Assert.Equal(["swap", "needs-old-gone"], Fired(RuleNetwork.Build(flows), Message("hi", Contact("SG", "old"))));
        Assert.Equal(["swap", "needs-old-gone"], NaiveFired(flows, Message("hi", Contact("SG", "old"))));
    }

    [Fact]
    public void Evaluate_ChainLongerThanBound_StopsAtTheBoundAndSaysSo()
    {
        var yaml = """
            flow: start
            on: message.received
            then:
              - tag: t1
            ---

            """ + OnTag("s1", "t1", "- tag: t2") + OnTag("s2", "t2", "- tag: t3") + OnTag("s3", "t3", "- tag: t4") + OnTag("s4", "t4");
        var session = Network(yaml, new RuleNetworkOptions { MaxChainDepth = 2 }).CreateSession();

        var result = session.Evaluate(Message("hi"));

        Assert.Equal(["0:start:", "1:s1:t1", "2:s2:t2"], Describe(result));
        Assert.True(result.DepthLimitReached);
        Assert.Equal(["start", "s1", "s2"], NaiveEvaluator.Evaluate(Flows(yaml), Message("hi"), (_, _) => false, maxDepth: 2).Firings.Select(f => f.FlowId));
    }

    [Fact]
    public void Evaluate_TagCycleTheCompilerWouldReject_EndsAtTheDefaultBound()
    {
        // Built from model objects: the compiler reports this cycle, the network must still end.
        FlowDefinition[] flows =
        [
            new("start", null, null, true, 0, EventKind.MessageReceived, OncePer.None, null, [new TagAction(["ping"])], default),
            new("loop", null, null, true, 0, EventKind.ContactTagged, OncePer.None, null, [new UntagAction(["ping"]), new TagAction(["ping"])], default) { Order = 1 },
        ];

        var result = RuleNetwork.Build(flows).CreateSession().Evaluate(Message("hi"));

        Assert.Equal(9, result.Count);
        Assert.Equal(8, result[8].Depth);
        Assert.True(result.DepthLimitReached);
        Assert.Equal(9, NaiveEvaluator.Evaluate(flows, Message("hi"), (_, _) => false).Firings.Count);
    }

    [Fact]
    public void Evaluate_OncePerFlowInChain_FiresOnlyOncePerEvaluation()
    {
        var network = Network(Tagger + """
            flow: any-tag
            on: contact.tagged
            once_per: contact
            then:
              - close: true

            """);

        Assert.Equal(["tagger", "any-tag"], Fired(network, Message("hi")));
    }

    [Fact]
    public void Evaluate_NoTaggedFlows_RaisesNoEvents()
    {
        var result = Network(Tagger).CreateSession().Evaluate(Message("hi"));

        Assert.Equal(1, result.EventCount);
        Assert.Equal(1, result.Count);
    }

    [Fact]
    public void Evaluate_ZeroDepth_EvaluatesOnlyTheEvent()
    {
        var result = Network(Tagger + OnTag("on-hot", "hot"), new RuleNetworkOptions { MaxChainDepth = 0 }).CreateSession().Evaluate(Message("hi"));

        Assert.Equal(["0:tagger:"], Describe(result));
        Assert.True(result.DepthLimitReached);
    }

    [Fact]
    public void Build_DuplicateIds_Throws()
    {
        var flow = new FlowDefinition("same", null, null, true, 0, EventKind.MessageReceived, OncePer.None, null, ImmutableArray<FlowAction>.Empty, default(SourceSpan));

        Assert.Throws<ArgumentException>(() => RuleNetwork.Build([flow, flow with { Order = 1 }]));
    }
}
