using System.Collections.Frozen;
using System.Collections.Immutable;
using FlowAutomation.Model;
using FlowAutomation.Rules;

namespace FlowAutomation.Runtime;

/// <summary>
/// Finds follow-ups by id, and evaluates their <c>when</c> with the same rule engine as the flows: each conditional
/// follow-up is compiled as a flow of its own (its trigger is the original flow's) into a small flow set of its own.
/// </summary>
internal sealed class FollowUpIndex
{
    private readonly FrozenDictionary<string, FollowUpAction> _byId;
    private readonly IRuleEngine _conditions;

    public FollowUpIndex(ImmutableArray<FlowDefinition> flows, RuleEngineKind engine)
    {
        var all = new Dictionary<string, (FlowDefinition Flow, FollowUpAction Action)>(StringComparer.Ordinal);
        foreach (var flow in flows)
        {
            Collect(flow, flow.Then, all);
        }

        _byId = all.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Action, StringComparer.Ordinal);
        _conditions = RuleEngines.Build(all.Values
            .Where(x => x.Action.When is not null)
            .Select(x => x.Flow with { Id = x.Action.Id, Priority = 0, OncePer = OncePer.None, Enabled = true, When = x.Action.When, Then = [] }), engine);
    }

    public FollowUpAction? Find(string id) => _byId.GetValueOrDefault(id);

    public FlowExplanation Explain(string id, FactSnapshot facts) => _conditions.Explain(facts, [id]).Flows[0];

    private static void Collect(FlowDefinition flow, IEnumerable<FlowAction> actions, Dictionary<string, (FlowDefinition, FollowUpAction)> all)
    {
        foreach (var followUp in actions.OfType<FollowUpAction>())
        {
            all[followUp.Id] = (flow, followUp);
            Collect(flow, followUp.Then, all);
        }
    }
}
