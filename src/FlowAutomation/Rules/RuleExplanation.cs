using System.Collections.Immutable;
using System.Text;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>Why a flow fired or did not, for one event.</summary>
public enum FlowOutcome
{
    Fired,

    /// <summary>The flow's condition did not hold.</summary>
    ConditionFalse,

    /// <summary>The flow runs on another trigger.</summary>
    TriggerMismatch,

    /// <summary>The flow is disabled (<c>enabled: false</c>).</summary>
    Disabled,

    /// <summary>The condition held, but the flow has already fired in its <c>once_per</c> scope.</summary>
    AlreadyFired,

    /// <summary>The condition held, but a flow earlier on the agenda fired and had <c>stop</c>.</summary>
    Stopped,
}

/// <summary>
/// One condition node with its result for the event. For a test: <see cref="Path"/>, <see cref="Operator"/> (with
/// ", whole_word: false" when given), the operands as written (<see cref="Expected"/>) and the value read from the event
/// (<see cref="Actual"/>, "(none)" when missing). For <c>all</c>, <c>any</c>, <c>not</c>: <see cref="Children"/>.
/// For business hours: the range as <see cref="Expected"/> and the event's local time as <see cref="Actual"/>.
/// <see cref="Note"/> says how a test that reads a number read the text ("'about two grand' is not a number",
/// "'$2,000' reads as 2000"), null otherwise.
/// </summary>
public sealed record ConditionTrace(
    string Kind,
    string? Path,
    string? Operator,
    ImmutableArray<string> Expected,
    string? Actual,
    bool Result,
    ImmutableArray<ConditionTrace> Children,
    SourceSpan Span)
{
    public string? Note { get; init; }

    public override string ToString()
    {
        var result = Result ? "true" : "false";
        return Kind switch
        {
            "test" => $"{Path} {Operator} [{string.Join(", ", Expected)}]: actual {Quote(Actual)}{(Note is null ? string.Empty : $" ({Note})")} → {result}",
            "business_hours" => $"business_hours {string.Join(", ", Expected)}: actual {Actual} → {result}",
            _ => $"{Kind} → {result}",
        };
    }

    private static string Quote(string? text) => text is null or "(none)" ? "(none)" : "\"" + text + "\"";
}

/// <summary>
/// The explanation of one flow for one event. <see cref="Condition"/> is null when the flow has no <c>when</c> or runs
/// on another trigger. <see cref="StoppedBy"/> names the flow whose <c>stop</c> halted it.
/// </summary>
public sealed record FlowExplanation(FlowDefinition Flow, FlowOutcome Outcome, string Reason, string? StoppedBy, ConditionTrace? Condition)
{
    public bool Fired => Outcome == FlowOutcome.Fired;

    /// <summary>The explanation as indented text: the outcome, then the condition tree.</summary>
    public string Describe()
    {
        var text = new StringBuilder().Append(Flow.Id).Append(": ").Append(Reason).Append('\n');
        if (Condition is not null)
        {
            Append(text, Condition, 1);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, ConditionTrace trace, int depth)
    {
        text.Append(' ', depth * 2).Append(trace).Append('\n');
        foreach (var child in trace.Children)
        {
            Append(text, child, depth + 1);
        }
    }
}

/// <summary>The explanation of an event: the requested flows in agenda order.</summary>
public sealed record RuleExplanation(FactSnapshot Facts, ImmutableArray<FlowExplanation> Flows)
{
    public FlowExplanation? Find(string flowId) => Flows.FirstOrDefault(f => f.Flow.Id == flowId);

    public string Describe() => string.Concat(Flows.Select(f => f.Describe()));
}
