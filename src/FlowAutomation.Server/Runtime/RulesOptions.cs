using FlowAutomation.Rules;

namespace FlowAutomation.Server.Runtime;

/// <summary>Configuration section <c>Rules</c>: which rule engine runs the flows.</summary>
internal sealed class RulesOptions
{
    public const string SectionName = "Rules";

    /// <summary><c>network</c> (the compiled rule network, the default) or <c>nrules</c> (the flows as NRules rules).</summary>
    public string Engine { get; set; } = RuleEngines.Name(RuleEngineKind.Network);

    public bool IsValid => RuleEngines.TryParse(Engine, out _);

    public RuleEngineKind Kind => RuleEngines.TryParse(Engine, out var kind) ? kind : RuleEngineKind.Network;
}
