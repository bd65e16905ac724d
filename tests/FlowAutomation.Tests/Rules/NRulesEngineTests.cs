using System.Linq.Expressions;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using FlowAutomation.Rules.NRules;
using NRules.RuleModel;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// The flows as NRules rules: the shape of the rule definitions (one condition per test, shared constants, parameter
/// names, priorities), and the agenda behaviours the differential property test covers only at random: stop through
/// the agenda, the firing history asked as the network asks it, chaining, the depth bound, many threads.
/// </summary>
public sealed class NRulesEngineTests
{
    private static string Flow(string id, int priority, string then = "- close: true", string extra = "", string when = "message.text: { contains: price }", string on = "message.received") => $"""
        flow: {id}
        priority: {priority}
        on: {on}
        {extra}
        when:
          {when}
        then:
          {then}
        ---

        """;

    private static NRulesEngine Engine(string yaml, int maxDepth = 8) => NRulesEngine.Build(Flows(yaml), new RuleNetworkOptions { MaxChainDepth = maxDepth });

    private static List<string> Fired(IRuleEngine engine, FactSnapshot facts, IFiringHistory? history = null) =>
        [.. engine.Evaluate(facts, history).Activations.Select(a => a.Flow.Id)];

    [Fact]
    public void Build_FlowWithThreeTests_OneConditionPerTestAfterTheTrigger()
    {
        var rules = FlowRuleSet.Build(Flows(Flow("f", 0, when: "message.text: { contains: price }\n  contact.country: SG\n  contact.tags: { lacks: [customer] }"))).Rules;

        var rule = Assert.Single(rules, r => r.Name == "flow:f");
        var pattern = Assert.IsType<PatternElement>(Assert.Single(rule.LeftHandSide.ChildElements));
        var conditions = pattern.Expressions.Find(PatternElement.ConditionName).Cast<ExpressionElement>().ToList();
        Assert.Equal(4, conditions.Count);
        Assert.Equal("e", pattern.Declaration.Name);
        Assert.All(conditions, c => Assert.Equal("e", Assert.Single(((LambdaExpression)c.Expression).Parameters).Name));
        Assert.Equal("e => (e.Kind == MessageReceived)", conditions[0].Expression.ToString());
    }

    [Fact]
    public void Build_SameTestInTwoFlows_IsOneConditionExpressionFirstInBoth()
    {
        var rules = FlowRuleSet.Build(Flows(
            Flow("a", 0, when: "message.text: { contains: price }\n  contact.country: SG")
            + Flow("b", 0, when: "message.text: { contains: cost }\n  contact.country: sg"))).Rules;

        var second = rules.Where(r => r.Name.StartsWith("flow:", StringComparison.Ordinal))
            .Select(r => ((PatternElement)r.LeftHandSide.ChildElements.Single()).Expressions.Find(PatternElement.ConditionName).Cast<ExpressionElement>().ElementAt(1).Expression)
            .ToList();
        Assert.Same(second[0], second[1]);
    }

    [Fact]
    public void Build_Priorities_FollowTheAgendaFromTheTop()
    {
        var set = FlowRuleSet.Build(Flows(Flow("low", 1) + Flow("high", 10) + Flow("mid-a", 5) + Flow("mid-b", 5)));

        Assert.Equal(["flow:high", "flow:mid-a", "flow:mid-b", "flow:low", "flowautomation:chain"], set.Rules.OrderByDescending(r => r.Priority).Select(r => r.Name));
        Assert.Equal(int.MinValue, set.Rules.Single(r => r.Name == "flowautomation:chain").Priority);
        Assert.DoesNotContain(FlowRuleSet.Build(Flows(Flow("only", 0)), new FlowRuleSetOptions { TagChaining = TagChaining.WhenFlowsListen }).Rules, r => r.Name == "flowautomation:chain");
    }

    [Fact]
    public void Evaluate_FlowWithStop_TakesLaterFlowsOffTheAgendaWithoutAskingTheirHistory()
    {
        var engine = Engine(Flow("low", 1, extra: "once_per: contact") + Flow("stopper", 5, "- close: true\n  - stop: true") + Flow("same-later", 5) + Flow("high", 10));
        var asked = new List<string>();

        var fired = Fired(engine, Message("price"), FiringHistory.From((id, _) =>
        {
            asked.Add(id);
            return false;
        }));

        Assert.Equal(["high", "stopper"], fired);
        Assert.Empty(asked);
    }

    [Fact]
    public void Evaluate_OncePerFlowThatHasFired_IsSkippedAndAskedOnce()
    {
        var engine = Engine(Flow("once", 10, extra: "once_per: conversation") + Flow("always", 0) + Flow("other", 0, extra: "once_per: contact", when: "message.text: { contains: cost }"));
        var asked = new List<(string, OncePer)>();
        var history = FiringHistory.From((id, scope) =>
        {
            asked.Add((id, scope));
            return id == "once";
        });

        Assert.Equal(["always"], Fired(engine, Message("price"), history));
        Assert.Equal([("once", OncePer.Conversation)], asked);
        Assert.Equal(["once", "always"], Fired(engine, Message("price")));
    }

    [Fact]
    public void Evaluate_TagsChain_BreadthFirstEachEventInAgendaOrder()
    {
        var engine = Engine(
            Flow("start", 0, "- tag: [a, b]", when: "message.text: { contains: price }")
            + Flow("on-a", 0, "- tag: c", when: "event.tag: a", on: "contact.tagged")
            + Flow("on-any-low", 0, when: "event.tag: { in: [a, b, c] }", on: "contact.tagged")
            + Flow("on-b-high", 9, when: "event.tag: b", on: "contact.tagged"));

        var result = engine.Evaluate(Message("price"));

        Assert.Equal(
            ["start on MessageReceived at depth 0", "on-a on ContactTagged(a) at depth 1", "on-any-low on ContactTagged(a) at depth 1",
             "on-b-high on ContactTagged(b) at depth 1", "on-any-low on ContactTagged(b) at depth 1", "on-any-low on ContactTagged(c) at depth 2"],
            result.Activations.Select(a => a.ToString()));
        Assert.Equal(4, result.EventCount);
        Assert.Equal(["a", "b"], result.Activations[5].Facts.Contact.Tags.Order(StringComparer.Ordinal).Take(2));
    }

    [Fact]
    public void Evaluate_ChainBeyondTheDepthBound_IsCutAndSaysSo()
    {
        var engine = Engine(
            Flow("start", 0, "- tag: a")
            + Flow("a-to-b", 0, "- tag: b", when: "event.tag: a", on: "contact.tagged")
            + Flow("b-to-c", 0, "- tag: c", when: "event.tag: b", on: "contact.tagged"), maxDepth: 1);

        var result = engine.Evaluate(Message("price"));

        Assert.Equal(["start", "a-to-b"], result.Activations.Select(a => a.Flow.Id));
        Assert.True(result.DepthLimitReached);
    }

    [Fact]
    public void Evaluate_HistoryThrows_TheCallerSeesItsExceptionAndTheNextEventIsRight()
    {
        var engine = Engine(Flow("once", 1, extra: "once_per: contact") + Flow("always", 0));

        var error = Assert.Throws<TimeoutException>(() => engine.Evaluate(Message("price"), FiringHistory.From((_, _) => throw new TimeoutException("store"))));

        Assert.Equal("store", error.Message);
        Assert.Equal(["once", "always"], Fired(engine, Message("price")));
    }

    [Fact]
    public void Evaluate_FromManyThreads_AgreesWithTheNetwork()
    {
        var yaml = Flow("p", 2) + Flow("c", 1, when: "message.text: { contains: cost }") + Flow("sg", 0, when: "contact.country: SG");
        var engine = Engine(yaml);
        var network = Network(yaml);
        var texts = new[] { "price", "cost", "nothing", "price cost" };
        var actual = new string[400];

        Parallel.For(0, actual.Length, i => actual[i] = string.Join(",", Fired(engine, Message(texts[i % 4]))));

        Assert.All(Enumerable.Range(0, actual.Length), i => Assert.Equal(string.Join(",", Fired(network, Message(texts[i % 4]))), actual[i]));
    }

    [Fact]
    public void Explain_StoppedFlow_SaysWhoStoppedItAsTheNetworkDoes()
    {
        var yaml = Flow("stopper", 5, "- close: true\n  - stop: true") + Flow("later", 1) + Flow("cost", 9, when: "message.text: { contains: cost }");

        var explanation = Engine(yaml).Explain(Message("price"));

        Assert.Equal(RuleEngineDifferentialTests.Canonical(Network(yaml).Explain(Message("price"))), RuleEngineDifferentialTests.Canonical(explanation));
        Assert.Equal("not fired: stopped by higher-priority flow 'stopper'", explanation.Find("later")!.Reason);
        Assert.Equal(FlowOutcome.ConditionFalse, explanation.Find("cost")!.Outcome);
    }
}
