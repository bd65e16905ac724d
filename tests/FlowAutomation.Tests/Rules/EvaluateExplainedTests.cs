using FlowAutomation.Model;
using FlowAutomation.Rules;
using FlowAutomation.Runtime;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// <see cref="IRuleEngine.EvaluateExplained"/>: the activations <see cref="IRuleEngine.Evaluate"/> gives, each explained
/// as <see cref="IRuleEngine.Explain(FactSnapshot, IEnumerable{string}, IFiringHistory?)"/> explains its flow for its own
/// event (the network from its evaluating session, NRules through its own explanation path), and the rule record's
/// condition lines made straight from it are the lines of that explanation.
/// </summary>
public sealed class EvaluateExplainedTests
{
    private const string Flowset = """
        flow: price-inquiry
        priority: 100
        on: message.received
        when:
          message.text: { contains_any: [price, cost, "how much"] }
          contact.tags: { lacks: customer }
          any:
            - business_hours: { days: [mon], from: "09:00", to: "18:00", tz: Asia/Singapore }
            - contact.country: { in: [SG, MY] }
          conversation.window_closes_in: { gt: 1h }
        then:
          - tag: [hot, lead]
        ---
        flow: amount
        on: message.received
        when:
          message.text: { gte: 2000 }
        then:
          - close: true
        ---
        flow: not-us
        on: message.received
        when:
          not: { contact.country: US }
        then:
          - close: true
        ---
        flow: loose
        on: message.received
        when:
          message.text: { contains: much, whole_word: false }
        then:
          - close: true
        ---
        flow: any-message
        on: message.received
        then:
          - close: true
        ---
        flow: on-hot
        on: contact.tagged
        when:
          event.tag: hot
        then:
          - tag: warm
        ---
        flow: on-warm
        on: contact.tagged
        when:
          all:
            - event.tag: { in: [warm, cold] }
            - contact.tags: { has: hot }
        then:
          - close: true
        ---
        flow: off
        enabled: false
        on: message.received
        when:
          message.text: { contains: price }
        then:
          - close: true

        """;

    public static TheoryData<RuleEngineKind> Engines() => [RuleEngineKind.Network, RuleEngineKind.NRules];

    [Theory]
    [MemberData(nameof(Engines))]
    public void EvaluateExplained_EveryActivation_ExplainedAsExplainExplainsItsFlowForItsEvent(RuleEngineKind kind)
    {
        var engine = RuleEngines.Build(Flows(Flowset), kind);
        var explainedSome = 0;
        foreach (var text in new[] { "price?", "How much is it", "$2,500 for the price", "about two grand", "nothing", "much" })
        {
            foreach (var contact in new[] { Contact("SG"), Contact("US"), Contact("DE", "customer") })
            {
                var facts = Message(text, contact);

                var result = engine.EvaluateExplained(facts);

                Assert.Equal(engine.Evaluate(facts).Activations.Select(a => a.ToString()), result.Activations.Select(a => a.ToString()));
                Assert.Equal(result.Activations.Length, result.Explanations.Length);
                for (var i = 0; i < result.Activations.Length; i++)
                {
                    var activation = result.Activations[i];
                    var expected = engine.Explain(activation.Facts, [activation.Flow.Id]).Flows.Single();
                    Assert.Same(activation.Facts, result.Explanations[i].Facts);
                    var actual = result.Explanations[i].ToExplanation();
                    Assert.Same(activation.Flow, actual.Flow);
                    Assert.Equal(FlowOutcome.Fired, actual.Outcome);
                    Assert.Equal(expected.Describe(), actual.Describe());
                    Assert.Equal(Nodes(expected.Condition).Select(n => (n.Note, n.Span)), Nodes(actual.Condition).Select(n => (n.Note, n.Span)));
                    Assert.Equal(ExplanationLines.From(expected.Condition).ToList(), ExplanationLines.From(result.Explanations[i]).ToList());
                    explainedSome += actual.Condition is null ? 0 : 1;
                }
            }
        }

        Assert.True(explainedSome > 20, $"only {explainedSome} conditions explained");
    }

    [Fact]
    public void EvaluateExplained_ChainedEvents_TheNetworkExplainsAsNRules()
    {
        var flows = Flows(Flowset);
        var network = RuleEngines.Build(flows, RuleEngineKind.Network);
        var nrules = RuleEngines.Build(flows, RuleEngineKind.NRules);
        var facts = Message("price?", Contact("SG"));

        var (a, b) = (network.EvaluateExplained(facts), nrules.EvaluateExplained(facts));

        Assert.Contains(a.Activations, x => x.Flow.Id == "on-warm" && x.Depth == 2);
        Assert.Equal(b.Explanations.Select(e => e.ToExplanation().Describe()), a.Explanations.Select(e => e.ToExplanation().Describe()));
    }

    [Theory]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(130)]
    public void EvaluateExplained_ConditionTreesAroundSixtyFourNodes_GiveEachNodesResultAsExplainDoes(int tests)
    {
        // One flow: any of `tests` words, then a last test that holds. Its tree has about `tests` + 3 nodes, so the node
        // results straddle the 64 kept as one number's bits and the array used past them; the message holds a few
        // words spread over the tree, so true and false results sit below and above bit 64.
        var words = string.Join(", ", Enumerable.Range(0, tests).Select(i => $"w{i}"));
        var each = string.Join(", ", Enumerable.Range(0, tests).Select(i => $"{{ message.text: {{ contains: w{i} }} }}"));
        var flows = Flows($$"""
            flow: wide
            on: message.received
            when:
              any:
                - message.text: { contains_any: [nothing-here] }
                - all:
                    - message.text: { contains_any: [{{words}}] }
                    - any: [{{each}}]
              contact.country: SG
            then:
              - close: true

            """);
        var network = RuleEngines.Build(flows, RuleEngineKind.Network);
        var facts = Message($"w0 w{tests / 2} w{tests - 2} w{tests - 1}", Contact("SG"));

        var result = network.EvaluateExplained(facts);

        var fired = Assert.Single(result.Explanations);
        var expected = network.Explain(facts, ["wide"]).Flows.Single();
        var lines = ExplanationLines.From(fired).ToList();
        Assert.True(lines.Count > tests, $"{lines.Count} lines");
        Assert.Contains(lines.Skip(64), l => l.Result);
        Assert.Contains(lines.Skip(64), l => !l.Result);
        Assert.Equal(ExplanationLines.From(expected.Condition).ToList(), lines);
        Assert.Equal(expected.Describe(), fired.ToExplanation().Describe());
    }

    [Fact]
    public void Evaluate_WithoutExplaining_HasNoExplanations()
    {
        var engine = RuleEngines.Build(Flows(Flowset));

        Assert.Empty(engine.Evaluate(Message("price?")).Explanations);
    }

    private static IEnumerable<ConditionTrace> Nodes(ConditionTrace? node) =>
        node is null ? [] : [node, .. node.Children.SelectMany(Nodes)];
}
