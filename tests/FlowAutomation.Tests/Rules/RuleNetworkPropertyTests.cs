using FlowAutomation.Model;
using FlowAutomation.Rules;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// Differential properties: for random flow sets and random events, the rule network agrees with the naive evaluator
/// on the flows whose condition holds, on the full activation list (agenda, stop, once_per, chaining), and the
/// explanation agrees with both.
/// </summary>
public sealed class RuleNetworkPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(400);

    public sealed record Case(List<FlowDefinition> Flows, List<FactSnapshot> Events, HashSet<string> History, bool SparseAutomaton, int MaxDepth)
    {
        public override string ToString() =>
            $"sparse={SparseAutomaton} maxDepth={MaxDepth} history=[{string.Join(",", History)}]\n{RuleGenerators.Describe(Flows)}\n"
            + string.Join("\n", Events.Select(RuleGenerators.Describe));
    }

    private static Arbitrary<Case> Cases { get; } = Arb.From(
        from flows in RuleGenerators.FlowSet
        from events in Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(RuleGenerators.Event, n))
        from history in Gen.SubListOf(flows.Select(f => f.Id))
        from sparse in Gen.Elements(false, true)
        from depth in Gen.Elements(0, 1, 2, 8)
        select new Case(flows, [.. events], [.. history], sparse, depth));

    private static RuleNetwork Build(Case c) =>
        RuleNetwork.Build(c.Flows, new RuleNetworkOptions { MaxChainDepth = c.MaxDepth, DenseAutomatonLimit = c.SparseAutomaton ? 0 : KeywordAutomaton.DefaultDenseLimit });

    [Fact]
    public void Evaluate_RandomFlowsAndEvents_ActivationsEqualTheNaiveEvaluators()
    {
        Prop.ForAll(Cases, c =>
        {
            var network = Build(c);
            var session = network.CreateSession();
            var history = FiringHistory.From((id, _) => c.History.Contains(id));
            foreach (var facts in c.Events)
            {
                var result = session.Evaluate(facts, history);
                var actual = new List<NaiveEvaluator.Firing>();
                foreach (var a in result)
                {
                    actual.Add(new NaiveEvaluator.Firing(a.Flow.Id, a.Event.Kind, a.Event.Tag, a.Depth));
                }

                var expected = NaiveEvaluator.Evaluate(c.Flows, facts, (id, _) => c.History.Contains(id), c.MaxDepth);
                Assert.Equal(expected.Firings, actual);
                Assert.Equal(expected.DepthLimitReached, result.DepthLimitReached);
            }
        }).Check(Config);
    }

    [Fact]
    public void Explain_RandomFlowsAndEvents_ConditionResultsEqualTheNaiveEvaluators()
    {
        Prop.ForAll(Cases, c =>
        {
            var network = Build(c);
            var history = FiringHistory.From((id, _) => c.History.Contains(id));
            foreach (var facts in c.Events)
            {
                var explanation = network.Explain(facts, history);
                foreach (var flow in explanation.Flows.Where(f => f.Condition is not null))
                {
                    Assert.True(
                        NaiveEvaluator.Holds(flow.Flow.When, facts) == flow.Condition!.Result,
                        $"{flow.Flow.Id}: network {flow.Condition.Result}\n{flow.Describe()}");
                    Assert.All(Nodes(flow.Flow.When!, flow.Condition), n => Assert.True(NaiveEvaluator.Holds(n.Source, facts) == n.Trace.Result, $"{RuleGenerators.Describe(n.Source)}"));
                }

                var firedAtTop = NaiveEvaluator.Evaluate(c.Flows, facts, (id, _) => c.History.Contains(id), 0).Firings.Select(f => f.FlowId);
                Assert.Equal(firedAtTop, explanation.Flows.Where(f => f.Fired).Select(f => f.Flow.Id));
            }
        }).Check(Config);
    }

    /// <summary>Every trace node beside the condition it explains (the trace mirrors the flow's tree).</summary>
    private static IEnumerable<(Condition Source, ConditionTrace Trace)> Nodes(Condition source, ConditionTrace trace)
    {
        yield return (source, trace);
        var children = source switch
        {
            AllCondition all => all.Items,
            AnyCondition any => any.Items,
            NotCondition not => [not.Inner],
            _ => [],
        };
        for (var i = 0; i < children.Length; i++)
        {
            foreach (var node in Nodes(children[i], trace.Children[i]))
            {
                yield return node;
            }
        }
    }
}
