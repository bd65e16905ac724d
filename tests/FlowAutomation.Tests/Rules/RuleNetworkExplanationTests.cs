using FlowAutomation.Rules;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>The explanation: every condition node with its operands, actual value and result, and why a flow did not fire.</summary>
public sealed class RuleNetworkExplanationTests
{
    private const string PriceInquiry = """
        flow: price-inquiry
        priority: 100
        on: message.received
        once_per: conversation
        when:
          message.text: { contains_any: [price, cost, "how much"] }
          contact.tags: { lacks: customer }
          any:
            - business_hours: { days: [tue], from: "09:00", to: "18:00", tz: Asia/Singapore }
            - contact.country: { in: [SG, MY] }
          conversation.window_closes_in: { gt: 1h }
        then:
          - reply: { text: "Here is our price list." }
          - stop: true
        ---
        flow: lower
        on: message.received
        when:
          message.text: { contains: much, whole_word: false }
        then:
          - close: true
        ---
        flow: never
        on: message.received
        when:
          not: { contact.country: SG }
        then:
          - close: true
        ---
        flow: off
        enabled: false
        on: message.received
        then:
          - close: true
        ---
        flow: lead
        on: lead.submitted
        then:
          - close: true

        """;

    [Fact]
    public void Explain_FiredFlow_TracesEveryConditionNode()
    {
        var network = Network(PriceInquiry);

        var flow = network.Explain(Message("How  MUCH is it?", Contact("SG", "vip"))).Find("price-inquiry")!;

        Assert.Equal(FlowOutcome.Fired, flow.Outcome);
        var all = flow.Condition!;
        Assert.Equal(("all", true, 4), (all.Kind, all.Result, all.Children.Length));
        var text = all.Children[0];
        Assert.Equal(("test", "message.text", "contains_any", "How  MUCH is it?", true), (text.Kind, text.Path, text.Operator, text.Actual, text.Result));
        Assert.Equal(["price", "cost", "how much"], text.Expected.AsEnumerable());
        var tags = all.Children[1];
        Assert.Equal(("contact.tags", "lacks", "[vip]", true), (tags.Path, tags.Operator, tags.Actual, tags.Result));
        var any = all.Children[2];
        Assert.Equal(("any", true), (any.Kind, any.Result));
        var hours = any.Children[0];
        Assert.Equal(("business_hours", false, "Mon 18:00 Asia/Singapore"), (hours.Kind, hours.Result, hours.Actual));
        Assert.Equal(["tue 09:00-18:00 Asia/Singapore"], hours.Expected.AsEnumerable());
        var country = any.Children[1];
        Assert.Equal(("contact.country", "in", "SG", true), (country.Path, country.Operator, country.Actual, country.Result));
        Assert.Equal(["SG", "MY"], country.Expected.AsEnumerable());
        var window = all.Children[3];
        Assert.Equal(("conversation.window_closes_in", "gt", "3h", true), (window.Path, window.Operator, window.Actual, window.Result));
        Assert.Equal(["1h"], window.Expected.AsEnumerable());
        Assert.Equal(6, text.Span.Start.Line);
    }

    [Fact]
    public void Explain_AllFlows_GivesEachOutcomeAndReason()
    {
        var network = Network(PriceInquiry);

        var explanation = network.Explain(Message("how much?", Contact("SG")));

        Assert.Equal(
            [
                ("price-inquiry", FlowOutcome.Fired, "fired"),
                ("lower", FlowOutcome.Stopped, "not fired: stopped by higher-priority flow 'price-inquiry'"),
                ("never", FlowOutcome.ConditionFalse, "not fired: the condition is false"),
                ("off", FlowOutcome.Disabled, "not fired: the flow is disabled"),
                ("lead", FlowOutcome.TriggerMismatch, "not fired: the flow runs on lead.submitted, the event is message.received"),
            ],
            explanation.Flows.Select(f => (f.Flow.Id, f.Outcome, f.Reason)));
        Assert.Equal("price-inquiry", explanation.Find("lower")!.StoppedBy);
        Assert.Null(explanation.Find("lead")!.Condition);
        Assert.Null(explanation.Find("off")!.Condition);
    }

    [Fact]
    public void Explain_OncePerFlowThatHasFired_SaysSoAndDoesNotStopOthers()
    {
        var network = Network(PriceInquiry);
        var history = FiringHistory.From((id, _) => id == "price-inquiry");

        var explanation = network.Explain(Message("how much?"), history);

        Assert.Equal(FlowOutcome.AlreadyFired, explanation.Find("price-inquiry")!.Outcome);
        Assert.Equal("not fired: once_per conversation, and it has already fired", explanation.Find("price-inquiry")!.Reason);
        Assert.Equal(FlowOutcome.Fired, explanation.Find("lower")!.Outcome);
        Assert.Equal(["lower"], Fired(network, Message("how much?"), history));
    }

    [Fact]
    public void Explain_ConditionFalse_ShowsWhichTestFailedWithTheActualValue()
    {
        var network = Network(PriceInquiry);

        var flow = network.Explain(Message("hello", Contact("SG", "Customer")), ["price-inquiry"]).Flows.Single();

        Assert.Equal(FlowOutcome.ConditionFalse, flow.Outcome);
        Assert.Equal(
            [("message.text", "hello", false), ("contact.tags", "[Customer]", false), (null, null, true), ("conversation.window_closes_in", "3h", true)],
            flow.Condition!.Children.Select(c => (c.Path, c.Actual, c.Result)));
    }

    [Fact]
    public void Explain_MissingValueAndWholeWordFalse_AreShown()
    {
        var network = Network(FlowWhen("t", "conversation.assignee: { not_equals: bob }\nmessage.text: { contains: hank, whole_word: false }"));

        var flow = network.Explain(Message("thanks")).Flows.Single();

        Assert.Equal(FlowOutcome.Fired, flow.Outcome);
        Assert.Equal("(none)", flow.Condition!.Children[0].Actual);
        Assert.Equal("contains, whole_word: false", flow.Condition.Children[1].Operator);
        Assert.Equal(
            """
            t: fired
              all → true
                conversation.assignee not_equals [bob]: actual (none) → true
                message.text contains, whole_word: false [hank]: actual "thanks" → true

            """.ReplaceLineEndings("\n"),
            flow.Describe());
    }

    [Fact]
    public void Explain_UnknownFlowId_Throws()
    {
        var network = Network(PriceInquiry);

        Assert.Throws<KeyNotFoundException>(() => network.Explain(Message("hi"), ["nope"]));
    }

    [Fact]
    public void Explain_AgreesWithTheSessionOnWhatFires()
    {
        var network = Network(PriceInquiry);
        foreach (var text in new[] { "price", "how much", "much", "nothing", "COST?" })
        {
            foreach (var country in new[] { "SG", "US" })
            {
                var facts = Message(text, Contact(country));
                var explained = network.Explain(facts).Flows.Where(f => f.Fired).Select(f => f.Flow.Id);

                Assert.Equal(Fired(network, facts), explained);
            }
        }
    }

    [Fact]
    public void Explain_OneFlowAsked_GivesWhatExplainingEveryFlowGivesIt()
    {
        var network = Network(PriceInquiry);
        var history = FiringHistory.From((id, _) => id == "price-inquiry");
        foreach (var (facts, firing) in new[] { (Message("how much?", Contact("SG")), (IFiringHistory?)null), (Message("how much?", Contact("SG")), history), (Message("nothing", Contact("US")), null) })
        {
            var all = network.Explain(facts, firing);
            foreach (var expected in all.Flows)
            {
                // "lower" asked alone after a stopping flow that was not asked about: still stopped by it.
                var alone = network.Explain(facts, [expected.Flow.Id], firing).Flows.Single();

                Assert.Equal((expected.Outcome, expected.Reason, expected.StoppedBy), (alone.Outcome, alone.Reason, alone.StoppedBy));
                Assert.Equal(expected.Condition?.Result, alone.Condition?.Result);
            }
        }

        Assert.Equal(FlowOutcome.Stopped, network.Explain(Message("how much?", Contact("SG")), ["lower"]).Flows.Single().Outcome);
    }

    [Fact]
    public void Explain_DisabledFlowWithCondition_StillTracesIt()
    {
        var network = Network(FlowWhen("off", "message.text: { contains: price }").Replace("flow: off\n", "flow: off\nenabled: false\n", StringComparison.Ordinal));

        var flow = network.Explain(Message("price?")).Flows.Single();

        Assert.Equal(FlowOutcome.Disabled, flow.Outcome);
        Assert.True(flow.Condition!.Result);
        Assert.Empty(Fired(network, Message("price?")));
    }
}
