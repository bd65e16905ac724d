using System.Collections.Immutable;
using System.Linq.Expressions;
using FlowAutomation.Language;
using FlowAutomation.Model;
using NRules.RuleModel;
using NRules.RuleModel.Builders;

namespace FlowAutomation.Rules.NRules;

/// <summary>
/// Writes the flows as NRules rule definitions with <see cref="RuleBuilder"/> and expression trees:
/// <list type="bullet">
/// <item>one pattern <c>FlowFact e</c>; its first condition is the trigger (<c>e =&gt; e.Kind == …</c>), then one
/// condition per conjunct of the flow's <c>when</c> (an <c>all</c> is split into its items, an <c>any</c> or a <c>not</c>
/// stays whole), each <c>e =&gt; condition.Holds(e)</c> over the shared <see cref="ConditionGraph"/> node, so that
/// identical conditions are one constant and NRules shares their alpha nodes. A flow's conditions are ordered by how
/// many flows share them (most first), so that flows share the longest chain of alpha nodes and an event stops at the
/// first shared test that fails;</item>
/// <item>for a flow after a flow with <c>stop</c> on the same trigger: <c>not StopFact s</c> where
/// <c>s.Event == e &amp;&amp; s.Rank &lt; rank</c>;</item>
/// <item>priority: the flow's place on the agenda counted from the bottom (the first flow has the highest), so that
/// NRules' agenda takes the flows in the network's order: priority, then file order;</item>
/// <item>action: <c>(ctx, e) =&gt; rule.Fire(ctx, e)</c>; and, when tags chain, the rule <c>flowautomation:chain</c>
/// (lowest priority, <c>(ctx, e) =&gt; Chain.Advance(ctx, e)</c>).</item>
/// </list>
/// Each lambda's parameters are named after the pattern declarations (<c>e</c>, <c>s</c>), as NRules requires.
/// </summary>
internal static class FlowRuleBuilder
{
    public const string ChainRuleName = "flowautomation:chain";
    public const string RuleTag = "flowautomation";

    private static readonly ParameterExpression E = Expression.Parameter(typeof(FlowFact), "e");
    private static readonly ParameterExpression S = Expression.Parameter(typeof(StopFact), "s");
    private static readonly ParameterExpression Ctx = Expression.Parameter(typeof(IContext), "ctx");

    public static ImmutableArray<IRuleDefinition> Build(FlowAgenda agenda, FlowEntry[] entries, bool chainsTags)
    {
        var graph = agenda.Graph;
        var enabled = entries.Where(e => e.Flow.Enabled).ToList();
        var conjuncts = enabled.ToDictionary(e => e.Rank, e => Conjuncts(graph, e.Root));
        var sharing = new Dictionary<int, int>();
        foreach (var node in conjuncts.Values.SelectMany(c => c))
        {
            sharing[node] = sharing.GetValueOrDefault(node) + 1;
        }

        // The first flow with stop on each trigger: flows after it may be stopped.
        var firstStop = enabled.Where(e => e.Stops).GroupBy(e => e.Flow.Trigger).ToDictionary(g => g.Key, g => g.Min(e => e.Rank));
        var triggers = new Dictionary<EventKind, LambdaExpression>();
        var conditions = new Dictionary<int, LambdaExpression>();
        var rules = ImmutableArray.CreateBuilder<IRuleDefinition>(enabled.Count + 1);
        foreach (var entry in enabled)
        {
            var trigger = entry.Flow.Trigger;
            var ordered = conjuncts[entry.Rank].OrderByDescending(n => sharing[n]).ThenBy(n => n);
            var mayBeStopped = firstStop.TryGetValue(trigger, out var stopRank) && stopRank < entry.Rank;
            rules.Add(BuildFlowRule(
                entry,
                entries.Length - entry.Rank,
                triggers.TryGetValue(trigger, out var t) ? t : triggers[trigger] = TriggerCondition(trigger),
                [.. ordered.Select(n => conditions.TryGetValue(n, out var c) ? c : conditions[n] = NodeCondition(graph, n))],
                mayBeStopped));
        }

        if (chainsTags)
        {
            rules.Add(BuildChainRule());
        }

        return rules.ToImmutable();
    }

    private static IRuleDefinition BuildFlowRule(FlowEntry entry, int priority, LambdaExpression trigger, LambdaExpression[] conditions, bool mayBeStopped)
    {
        var flow = entry.Flow;
        var rule = new RuleBuilder();
        rule.Name(FlowRuleSet.RuleName(flow));
        rule.Description(flow.When is null ? "always" : ConditionFormatter.Describe(flow.When));
        rule.Tag(RuleTag);
        rule.Priority(priority);
        var lhs = rule.LeftHandSide();
        var pattern = lhs.Pattern(typeof(FlowFact), E.Name);
        pattern.Condition(trigger);
        foreach (var condition in conditions)
        {
            pattern.Condition(condition);
        }

        if (mayBeStopped)
        {
            // not StopFact s where s.Event == e && s.Rank < rank: a stop earlier on this event's agenda removes the activation.
            var stop = lhs.Not().Pattern(typeof(StopFact), S.Name);
            stop.Condition(Expression.Lambda(
                Expression.AndAlso(
                    Expression.ReferenceEqual(Expression.Property(S, nameof(StopFact.Event)), E),
                    Expression.LessThan(Expression.Property(S, nameof(StopFact.Rank)), Expression.Constant(entry.Rank))),
                S,
                E));
        }

        var action = new FlowRule(entry);
        rule.RightHandSide().Action(Expression.Lambda(Expression.Call(Expression.Constant(action), nameof(FlowRule.Fire), null, Ctx, E), Ctx, E));
        return rule.Build();
    }

    private static IRuleDefinition BuildChainRule()
    {
        var rule = new RuleBuilder();
        rule.Name(ChainRuleName);
        rule.Description("after an event's flows: release the next contact.tagged event of the chain");
        rule.Tag(RuleTag);
        rule.Priority(int.MinValue);
        rule.LeftHandSide().Pattern(typeof(FlowFact), E.Name);
        rule.RightHandSide().Action(Expression.Lambda(Expression.Call(typeof(Chain), nameof(Chain.Advance), null, Ctx, E), Ctx, E));
        return rule.Build();
    }

    /// <summary><c>e =&gt; e.Kind == trigger</c>.</summary>
    private static LambdaExpression TriggerCondition(EventKind trigger) =>
        Expression.Lambda(Expression.Equal(Expression.Property(E, nameof(FlowFact.Kind)), Expression.Constant(trigger)), E);

    /// <summary><c>e =&gt; condition.Holds(e)</c>, the condition being the graph node (one constant per node).</summary>
    private static LambdaExpression NodeCondition(ConditionGraph graph, int node) =>
        Expression.Lambda(Expression.Call(Expression.Constant(new FlowCondition(graph, node)), nameof(FlowCondition.Holds), null, E), E);

    /// <summary>The nodes whose conjunction is the condition: an <c>all</c> split into its items (recursively); none when it always holds.</summary>
    private static List<int> Conjuncts(ConditionGraph graph, int root)
    {
        var result = new List<int>();
        Add(root);
        return [.. result.Distinct()];

        void Add(int id)
        {
            var node = graph.Nodes[id];
            switch (node.Kind)
            {
                case NodeKind.True:
                    return;
                case NodeKind.All:
                    for (var i = 0; i < node.Count; i++)
                    {
                        Add(graph.Items[node.First + i]);
                    }

                    return;
                default:
                    result.Add(id);
                    return;
            }
        }
    }
}

/// <summary>A node of the shared condition graph as an NRules condition: <see cref="EventView.Holds(ConditionGraph, int)"/> on the event.</summary>
internal sealed class FlowCondition(ConditionGraph graph, int node)
{
    public bool Holds(FlowFact e) => e.View.Holds(graph, node);

    public override string ToString() => $"condition node {node}";
}

/// <summary>The chain rule's action.</summary>
internal static class Chain
{
    public static void Advance(IContext context, FlowFact e) => e.Evaluation.Advance(context, e);
}
