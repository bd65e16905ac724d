using System.Collections.Frozen;
using System.Collections.Immutable;
using FlowAutomation.Model;
using NRules.RuleModel;

namespace FlowAutomation.Rules.NRules;

/// <summary>When the rules raise <see cref="FlowTagFact"/>s for the tags flows add.</summary>
public enum TagChaining
{
    /// <summary>For every tag a flow adds (that the contact did not hold), so that your own rules can react to it.</summary>
    Always,

    /// <summary>Only when some enabled flow runs on <c>contact.tagged</c>, exactly as the rule network chains.</summary>
    WhenFlowsListen,
}

/// <summary>Settings of a <see cref="FlowRuleSet"/>.</summary>
public sealed record FlowRuleSetOptions
{
    public static FlowRuleSetOptions Default { get; } = new();

    /// <summary>How many levels of <c>contact.tagged</c> events one evaluation follows (default 8, as the rule network).</summary>
    public int MaxChainDepth { get; init; } = 8;

    /// <summary>When tags raise <see cref="FlowTagFact"/>s (default <see cref="TagChaining.Always"/>).</summary>
    public TagChaining TagChaining { get; init; } = TagChaining.Always;
}

/// <summary>
/// A flow set as NRules rule definitions, to compile together with your own rules (docs/nrules.md):
/// <code>
/// var flows = FlowRuleSet.Build(compilation.Flows);
/// var factory = new RuleCompiler().Compile(repository.GetRules().Concat(flows.Rules));
/// var session = factory.CreateSession();
/// var e = flows.CreateEvent(facts);
/// session.Insert(e);
/// session.Fire();
/// foreach (var a in e.Result.Activations) { ... }   // the flows that fired, in agenda order
/// </code>
/// One rule per enabled flow (named <c>flow:</c> and the flow's id), matching <see cref="FlowFact"/>; one condition per
/// test, calling the same condition semantics as the rule network; rule priorities in agenda order (the first flow
/// has the highest); and, when tags chain, one rule <c>flowautomation:chain</c> at the lowest priority. Immutable and
/// thread-safe; use one flow set per session.
/// </summary>
public sealed class FlowRuleSet
{
    private FlowRuleSet(FlowRuleSetOptions options, FlowAgenda agenda, FlowEntry[] entries, ImmutableArray<IRuleDefinition> rules, bool chainsTags)
    {
        Options = options;
        Agenda = agenda;
        Entries = entries;
        Rules = rules;
        ChainsTags = chainsTags;
        Flows = [.. agenda.Flows];
        ByRuleName = entries.Where(e => e.Flow.Enabled).ToFrozenDictionary(e => RuleName(e.Flow), StringComparer.Ordinal);
        ById = entries.ToFrozenDictionary(e => e.Flow.Id, StringComparer.Ordinal);
    }

    public FlowRuleSetOptions Options { get; }

    /// <summary>Every flow, enabled or not, in agenda order: higher priority first, then file order.</summary>
    public ImmutableArray<FlowDefinition> Flows { get; }

    /// <summary>The rule definitions: compile them with <c>RuleCompiler.Compile</c>, alone or beside your own.</summary>
    public ImmutableArray<IRuleDefinition> Rules { get; }

    /// <summary>Whether the rules raise <see cref="FlowTagFact"/>s (see <see cref="TagChaining"/>).</summary>
    public bool ChainsTags { get; }

    internal FlowAgenda Agenda { get; }

    /// <summary>The flows by rank, as the explanations need them.</summary>
    internal FlowEntry[] Entries { get; }

    /// <summary>The enabled flows' entries by rule name.</summary>
    internal FrozenDictionary<string, FlowEntry> ByRuleName { get; }

    /// <summary>Every flow's entry by flow id.</summary>
    internal FrozenDictionary<string, FlowEntry> ById { get; }

    /// <summary>
    /// Builds the rule definitions of a flow set (normally <c>FlowCompilation.Flows</c>). Flow ids must be unique;
    /// keyword operands must not be blank.
    /// </summary>
    public static FlowRuleSet Build(IEnumerable<FlowDefinition> flows, FlowRuleSetOptions? options = null)
    {
        options ??= FlowRuleSetOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxChainDepth);
        var agenda = FlowAgenda.Build(flows);
        var entries = Enumerable.Range(0, agenda.Flows.Count).Select(r => agenda.Entry(r, exact: false)).ToArray();
        var chainsTags = options.TagChaining == TagChaining.Always
            || agenda.Flows.Any(f => f.Enabled && f.Trigger == EventKind.ContactTagged);
        return new FlowRuleSet(options, agenda, entries, FlowRuleBuilder.Build(agenda, entries, chainsTags), chainsTags);
    }

    /// <summary>
    /// A new event to insert into a session: its evaluation asks <paramref name="history"/> about <c>once_per</c> flows
    /// (null: nothing has fired before).
    /// </summary>
    public FlowEventFact CreateEvent(FactSnapshot facts, IFiringHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return new FlowEvaluation(this, facts, history).Root;
    }

    /// <summary>The name of a flow's rule: <c>flow:</c> and the flow's id.</summary>
    public static string RuleName(FlowDefinition flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return "flow:" + flow.Id;
    }
}
