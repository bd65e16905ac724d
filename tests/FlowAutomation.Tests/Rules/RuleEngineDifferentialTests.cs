using System.Text;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using FlowAutomation.Rules.NRules;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// Differential properties of the two rule engines: for random flow sets and random events, the rule network, the
/// NRules engine and the naive evaluator give the same activations (agenda, stop, once_per, chaining, depth bound),
/// and the two engines give the same explanations, node for node. The NRules engine runs with each session lifetime,
/// several events per session, so that what one event leaves in a session cannot change the next one's result.
/// </summary>
public sealed class RuleEngineDifferentialTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    internal sealed record Case(List<FlowDefinition> Flows, List<FactSnapshot> Events, HashSet<string> History, int MaxDepth, NRulesEngineOptions Sessions)
    {
        public override string ToString() =>
            $"maxDepth={MaxDepth} sessions={Sessions.Lifetime}/{Sessions.RecycleAfter} history=[{string.Join(",", History)}]\n{RuleGenerators.Describe(Flows)}\n"
            + string.Join("\n", Events.Select(RuleGenerators.Describe));
    }

    private static Arbitrary<Case> Cases { get; } = Arb.From(
        from flows in RuleGenerators.FlowSet
        from events in Gen.Choose(1, 5).SelectMany(n => Gen.ListOf(RuleGenerators.Event, n))
        from history in Gen.SubListOf(flows.Select(f => f.Id))
        from depth in Gen.Elements(0, 1, 2, 8)
        from sessions in Gen.Elements(
            new NRulesEngineOptions { Lifetime = SessionLifetime.Recycle, RecycleAfter = 3 },
            new NRulesEngineOptions { Lifetime = SessionLifetime.RetractEachEvent },
            new NRulesEngineOptions { Lifetime = SessionLifetime.FreshPerEvent })
        select new Case(flows, [.. events], [.. history], depth, sessions));

    [Fact]
    public void Evaluate_RandomFlowsAndEvents_NetworkNRulesAndNaiveEvaluatorAgree()
    {
        Prop.ForAll(Cases, c =>
        {
            var (network, nrules, history) = Engines(c);
            foreach (var facts in c.Events)
            {
                var expected = NaiveEvaluator.Evaluate(c.Flows, facts, (id, _) => c.History.Contains(id), c.MaxDepth);
                var fromNetwork = network.Evaluate(facts, history);
                var fromNRules = nrules.Evaluate(facts, history);
                Assert.Equal(expected.Firings, Firings(fromNetwork));
                Assert.Equal(expected.Firings, Firings(fromNRules));
                Assert.Equal(expected.DepthLimitReached, fromNRules.DepthLimitReached);
                Assert.Equal(fromNetwork.DepthLimitReached, fromNRules.DepthLimitReached);
                Assert.Equal(fromNetwork.EventCount, fromNRules.EventCount);
                Assert.Equal(fromNetwork.Activations.Select(a => Seen(a.Facts)), fromNRules.Activations.Select(a => Seen(a.Facts)));
            }
        }).Check(Config);
    }

    [Fact]
    public void Explain_RandomFlowsAndEvents_NRulesExplanationEqualsTheNetworks()
    {
        Prop.ForAll(Cases, c =>
        {
            var (network, nrules, history) = Engines(c);
            foreach (var facts in c.Events)
            {
                Assert.Equal(Canonical(network.Explain(facts, history)), Canonical(nrules.Explain(facts, history)));
                var some = c.Flows.Where((_, i) => i % 2 == 0).Select(f => f.Id).ToList();
                Assert.Equal(Canonical(network.Explain(facts, some, history)), Canonical(nrules.Explain(facts, some, history)));
            }
        }).Check(Config);
    }

    /// <summary>What a flow's actions see of the facts: the event, the contact's tags, the conversation.</summary>
    private static string Seen(FactSnapshot facts) =>
        $"{facts.Event} {string.Join(",", facts.Contact.Tags.Order(StringComparer.Ordinal))} {facts.Contact.Name} {facts.Contact.Country} {facts.Conversation}";

    private static (RuleNetwork Network, NRulesEngine NRules, IFiringHistory History) Engines(Case c)
    {
        var options = new RuleNetworkOptions { MaxChainDepth = c.MaxDepth };
        return (RuleNetwork.Build(c.Flows, options), NRulesEngine.Build(c.Flows, options, c.Sessions), FiringHistory.From((id, _) => c.History.Contains(id)));
    }

    private static List<NaiveEvaluator.Firing> Firings(RuleEvaluationResult result) =>
        [.. result.Activations.Select(a => new NaiveEvaluator.Firing(a.Flow.Id, a.Event.Kind, a.Event.Tag, a.Depth))];

    /// <summary>Every field of an explanation, spans included, as text.</summary>
    internal static string Canonical(RuleExplanation explanation)
    {
        var text = new StringBuilder();
        foreach (var flow in explanation.Flows)
        {
            text.Append(flow.Flow.Id).Append(" | ").Append(flow.Outcome).Append(" | ").Append(flow.Reason).Append(" | ").Append(flow.StoppedBy).Append('\n');
            Append(flow.Condition, 1);
        }

        return text.ToString();

        void Append(ConditionTrace? trace, int depth)
        {
            if (trace is null)
            {
                return;
            }

            text.Append(' ', depth * 2).Append(trace.Kind).Append(" | ").Append(trace.Path).Append(" | ").Append(trace.Operator)
                .Append(" | [").AppendJoin(", ", trace.Expected).Append("] | ").Append(trace.Actual).Append(" | ").Append(trace.Result)
                .Append(" | ").Append(trace.Span).Append('\n');
            foreach (var child in trace.Children)
            {
                Append(child, depth + 1);
            }
        }
    }
}
