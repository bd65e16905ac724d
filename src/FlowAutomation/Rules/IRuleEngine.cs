using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// A rule engine compiled from a flow set: it evaluates an event's facts with the caller's firing history and returns
/// the activations in agenda order (the order <see cref="RuleEvaluation"/> documents), and explains why each flow fired
/// or not. Two engines implement it and give the same activations and the same explanations for every event: the rule
/// network (<see cref="RuleNetwork"/>, the default) and NRules (NRules (<see cref="NRules.FlowRuleSet"/>)). Build one with
/// <see cref="RuleEngines.Build"/>; an engine is immutable and thread-safe.
/// </summary>
public interface IRuleEngine
{
    /// <summary>Which engine this is.</summary>
    RuleEngineKind Kind { get; }

    /// <summary>Every flow, enabled or not, in agenda order: higher priority first, then file order.</summary>
    ImmutableArray<FlowDefinition> Flows { get; }

    /// <summary>
    /// Evaluates one event and the <c>contact.tagged</c> events its flows raise, and returns the activations to run, in
    /// order (see <see cref="RuleEvaluation"/>). Thread-safe.
    /// </summary>
    RuleEvaluationResult Evaluate(FactSnapshot facts, IFiringHistory? history = null);

    /// <summary>
    /// Evaluates as <see cref="Evaluate"/> does and explains every activation's flow for the activation's own event
    /// (<see cref="RuleEvaluationResult.Explanations"/>): what <see cref="Explain(FactSnapshot, IEnumerable{string}, IFiringHistory?)"/>
    /// of each event's fired flows (without a history) gives them. An engine may answer from the evaluation itself; this
    /// default asks <see cref="Explain(FactSnapshot, IEnumerable{string}, IFiringHistory?)"/> once per event.
    /// </summary>
    RuleEvaluationResult EvaluateExplained(FactSnapshot facts, IFiringHistory? history = null)
    {
        var result = Evaluate(facts, history);
        return result with { Explanations = ExplanationBuilder.ExplainEachEvent(this, result.Activations) };
    }

    /// <summary>Explains the event for every flow: whether it fired or why not, with every condition node's result.</summary>
    RuleExplanation Explain(FactSnapshot facts, IFiringHistory? history = null);

    /// <summary>Explains the event for the named flows only (any trigger). Unknown ids throw <see cref="KeyNotFoundException"/>.</summary>
    RuleExplanation Explain(FactSnapshot facts, IEnumerable<string> flowIds, IFiringHistory? history = null);
}

/// <summary>The rule engines a flow set can be compiled into.</summary>
public enum RuleEngineKind
{
    /// <summary>The compiled rule network (docs/rule-network.md): the default.</summary>
    Network,

    /// <summary>The flows compiled into NRules rules (docs/nrules.md).</summary>
    NRules,
}

/// <summary>Builds the rule engine of a flow set, and names the engines as the command line and the configuration spell them.</summary>
public static class RuleEngines
{
    /// <summary>The names, in <see cref="RuleEngineKind"/> order: <c>network</c>, <c>nrules</c>.</summary>
    public static ImmutableArray<string> Names { get; } = ["network", "nrules"];

    /// <summary>
    /// Compiles the flow set (normally <c>FlowCompilation.Flows</c>) into the chosen engine. Both read
    /// <see cref="RuleNetworkOptions.MaxChainDepth"/>. Flow ids must be unique; keyword operands must not be blank.
    /// </summary>
    public static IRuleEngine Build(IEnumerable<FlowDefinition> flows, RuleEngineKind kind = RuleEngineKind.Network, RuleNetworkOptions? options = null) => kind switch
    {
        RuleEngineKind.Network => RuleNetwork.Build(flows, options),
        RuleEngineKind.NRules => NRules.NRulesEngine.Build(flows, options),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown rule engine"),
    };

    public static string Name(RuleEngineKind kind) => Names[(int)kind];

    /// <summary>Reads <c>network</c> or <c>nrules</c> (case ignored).</summary>
    public static bool TryParse(string? name, out RuleEngineKind kind)
    {
        var index = Names.IndexOf(name?.Trim().ToLowerInvariant() ?? string.Empty);
        kind = index < 0 ? RuleEngineKind.Network : (RuleEngineKind)index;
        return index >= 0;
    }
}
