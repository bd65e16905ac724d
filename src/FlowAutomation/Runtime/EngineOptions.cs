using System.Collections.Immutable;
using FlowAutomation.Policy;
using FlowAutomation.Rules;

namespace FlowAutomation.Runtime;

/// <summary>How the engine runs: the policy profile, the teams for <c>assign</c>, the rule engine, and how much it explains.</summary>
public sealed record EngineOptions
{
    public PolicyProfile Policy { get; init; } = PolicyProfile.TikTok;

    /// <summary>Team members for <c>assign: { team: …, strategy: … }</c>. A team not listed is assigned as a team, without an agent.</summary>
    public ImmutableDictionary<string, ImmutableArray<string>> Teams { get; init; } = ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    /// <summary>Whether rule records carry each condition's expected and actual values (the dry run's trace; costs an explanation per event).</summary>
    public bool ExplainConditions { get; init; }

    /// <summary>Flows to explain even when they do not fire; <see cref="ExplainAll"/> explains every flow of the event's trigger.</summary>
    public ImmutableHashSet<string> ExplainFlows { get; init; } = [];

    public bool ExplainAll { get; init; }

    /// <summary>
    /// Looks at an image reply's URL before the guard decides it (size, real format, reachable). The default measures
    /// nothing: the dry run decides images on their URL and declared size, without network.
    /// </summary>
    public IImageInspector Images { get; init; } = DeclaredImageInspector.Instance;

    /// <summary>
    /// Which rule engine evaluates the flows: the rule network (the default) or NRules. Both give the same activations,
    /// in the same order, and the same explanations (docs/nrules.md).
    /// </summary>
    public RuleEngineKind RuleEngine { get; init; } = RuleEngineKind.Network;

    /// <summary>
    /// A refused reply's record is built even when the store wants no trace (<see cref="IEngineStore.WantsTrace"/>
    /// false): <c>flowctl test</c> counts its blocked messages from them and builds no other record.
    /// </summary>
    public bool TraceRefusals { get; init; }

    /// <summary>How deep chains of <c>contact.tagged</c> events may go in one evaluation.</summary>
    public int MaxChainDepth { get; init; } = 8;
}
