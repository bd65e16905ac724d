using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using FlowAutomation.Language;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// Explanations, the same for every rule engine: the engine says whether each flow's condition holds and what each
/// condition node's result is (from its own evaluation); this replays the agenda of the event's trigger in full (every
/// flow evaluated, none skipped) to say which flow fired and why each other did not, and writes every node's path,
/// operator, operands and actual value. Both engines' explanations therefore differ only if their evaluations do.
/// </summary>
internal static class ExplanationBuilder
{
    private static readonly FrozenDictionary<TestOperator, string> OperatorNames =
        FlowVocabulary.Operators.ToFrozenDictionary(o => o.Operator, o => o.Name);

    private static readonly FrozenDictionary<EventKind, string> TriggerNames =
        FlowVocabulary.Triggers.ToFrozenDictionary(t => t.Kind, t => t.Name);

    /// <summary>
    /// Explains the event for the <paramref name="chosen"/> flows. <paramref name="agenda"/> is every flow by rank;
    /// <paramref name="conditionHolds"/> answers for the enabled flows of the event's trigger, <paramref name="nodeResult"/>
    /// for every node of a chosen flow's condition (by its <see cref="ConditionGraph"/> id).
    /// </summary>
    public static RuleExplanation Explain(
        FactSnapshot facts,
        IFiringHistory? history,
        IReadOnlyList<FlowEntry> agenda,
        IReadOnlyList<FlowEntry> chosen,
        Func<FlowEntry, bool> conditionHolds,
        Func<int, bool> nodeResult)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var outcomes = Outcomes(facts, history, agenda, chosen, conditionHolds);
        var flows = chosen.OrderBy(e => e.Rank).Select(entry =>
        {
            var flow = entry.Flow;
            var (outcome, by) = !flow.Enabled ? (FlowOutcome.Disabled, null)
                : flow.Trigger != facts.Event.Kind ? (FlowOutcome.TriggerMismatch, null)
                : outcomes[entry.Rank];
            var trace = outcome == FlowOutcome.TriggerMismatch || entry.Explain is null ? null : Trace(entry.Explain, nodeResult, facts);
            return new FlowExplanation(flow, outcome, Reason(flow, outcome, by, facts), outcome == FlowOutcome.Stopped ? by : null, trace);
        });
        return new RuleExplanation(facts, [.. flows]);
    }

    /// <summary>
    /// The explanation of a flow that fired for the event, from the results of the session that fired it
    /// (<paramref name="nodeResult"/> answers for every node of the flow's condition): what <see cref="Explain"/> gives a
    /// fired flow, without replaying the agenda (the outcome is known).
    /// </summary>
    public static FlowExplanation Fired(FlowEntry entry, FactSnapshot facts, Func<int, bool> nodeResult) =>
        new(entry.Flow, FlowOutcome.Fired, "fired", null, entry.Explain is null ? null : Trace(entry.Explain, nodeResult, facts));

    /// <summary>
    /// The explanations of the activations' flows, each for its own event, by activation index: one
    /// <see cref="IRuleEngine.Explain(FactSnapshot, IEnumerable{string}, IFiringHistory?)"/> call per event, for the flows
    /// it fired (an explanation's part for a flow does not depend on which other flows are asked about).
    /// </summary>
    public static ImmutableArray<FiredExplanation> ExplainEachEvent(IRuleEngine engine, ImmutableArray<Activation> activations)
    {
        var explanations = new FiredExplanation[activations.Length];
        for (var i = 0; i < activations.Length; i++)
        {
            if (explanations[i] is not null)
            {
                continue;
            }

            var facts = activations[i].Facts;
            var ids = new List<string>();
            for (var j = i; j < activations.Length; j++)
            {
                if (ReferenceEquals(activations[j].Facts, facts) && !ids.Contains(activations[j].Flow.Id, StringComparer.Ordinal))
                {
                    ids.Add(activations[j].Flow.Id);
                }
            }

            var flows = engine.Explain(facts, ids).Flows;
            for (var j = i; j < activations.Length; j++)
            {
                if (ReferenceEquals(activations[j].Facts, facts))
                {
                    explanations[j] = new FiredExplanation(flows.First(f => f.Flow.Id == activations[j].Flow.Id), facts);
                }
            }
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(explanations);
    }

    /// <summary>
    /// Replays the agenda of the event's trigger for the outcomes of the chosen flows (by rank). Only a chosen flow's
    /// outcome is kept, and only a chosen flow, or a flow with a top-level <c>stop</c> (the only kind whose firing changes
    /// a later flow's outcome), has its condition asked for; the replay ends after the last chosen flow. The outcomes
    /// are those of a replay of every flow: a flow without a <c>stop</c> that fires leaves "stopped by" as it was (empty).
    /// </summary>
    private static Dictionary<int, (FlowOutcome Outcome, string? StoppedBy)> Outcomes(
        FactSnapshot facts, IFiringHistory? history, IReadOnlyList<FlowEntry> agenda, IReadOnlyList<FlowEntry> chosen, Func<FlowEntry, bool> conditionHolds)
    {
        var wanted = new HashSet<int>();
        var last = -1;
        foreach (var entry in chosen)
        {
            if (entry.Flow.Enabled && entry.Flow.Trigger == facts.Event.Kind && wanted.Add(entry.Rank))
            {
                last = Math.Max(last, entry.Rank);
            }
        }

        var outcomes = new Dictionary<int, (FlowOutcome Outcome, string? StoppedBy)>(wanted.Count);
        string? stoppedBy = null;
        foreach (var entry in agenda)
        {
            var flow = entry.Flow;
            var isWanted = wanted.Contains(entry.Rank);
            if (!flow.Enabled || flow.Trigger != facts.Event.Kind || !(isWanted || (entry.Stops && stoppedBy is null)))
            {
                continue;
            }

            (FlowOutcome, string?) outcome;
            if (!conditionHolds(entry))
            {
                outcome = (FlowOutcome.ConditionFalse, stoppedBy);
            }
            else if (stoppedBy is not null)
            {
                outcome = (FlowOutcome.Stopped, stoppedBy);
            }
            else if (flow.OncePer != OncePer.None && history is not null && history.HasFired(flow, flow.OncePer, facts))
            {
                outcome = (FlowOutcome.AlreadyFired, null);
            }
            else
            {
                outcome = (FlowOutcome.Fired, null);
                stoppedBy = entry.Stops ? flow.Id : null;
            }

            if (isWanted)
            {
                outcomes[entry.Rank] = outcome;
                if (outcomes.Count == wanted.Count)
                {
                    break;
                }
            }
        }

        return outcomes;
    }

    private static string Reason(FlowDefinition flow, FlowOutcome outcome, string? stoppedBy, FactSnapshot facts) => outcome switch
    {
        FlowOutcome.Fired => "fired",
        FlowOutcome.ConditionFalse => "not fired: the condition is false",
        FlowOutcome.TriggerMismatch => $"not fired: the flow runs on {TriggerNames[flow.Trigger]}, the event is {TriggerNames[facts.Event.Kind]}",
        FlowOutcome.Disabled => "not fired: the flow is disabled",
        FlowOutcome.AlreadyFired => $"not fired: once_per {flow.OncePer.ToString().ToLowerInvariant()}, and it has already fired",
        _ => $"not fired: stopped by higher-priority flow '{stoppedBy}'",
    };

    /// <summary>The node and its children with their results for the event: the node's <see cref="ExplainForm"/> with the actual value read.</summary>
    private static ConditionTrace Trace(ExplainNode node, Func<int, bool> nodeResult, FactSnapshot facts)
    {
        var result = nodeResult(node.Node);
        var form = node.Form;
        var span = node.Source.Span;
        switch (node.Source)
        {
            case AllCondition or AnyCondition or NotCondition:
                var children = new ConditionTrace[node.Children.Length];
                for (var i = 0; i < children.Length; i++)
                {
                    children[i] = Trace(node.Children[i], nodeResult, facts);
                }

                return new ConditionTrace(form.Kind, null, null, [], null, result, ImmutableCollectionsMarshal.AsImmutableArray(children), span);
            case BusinessHoursCondition:
                return new ConditionTrace(form.Kind, null, form.Operator, form.Expected, Reading(node, facts).Actual, result, [], span);
            default:
                var (actual, note) = Reading(node, facts);
                return new ConditionTrace(form.Kind, form.Path, form.Operator, form.Expected, actual, result, [], span) { Note = note };
        }
    }

    /// <summary>
    /// What a test or business-hours node read from the event: the actual value (the event's local time for business
    /// hours) and, for a test that reads a number, how it read the text; nulls for <c>all</c>, <c>any</c>, <c>not</c>.
    /// </summary>
    internal static (string? Actual, string? Note) Reading(ExplainNode node, FactSnapshot facts)
    {
        switch (node.Source)
        {
            case BusinessHoursCondition hours:
                return (ConditionSemantics.LocalTime(hours, facts.Event.At), null);
            case TestCondition test:
                var value = PathResolver.Resolve(test.Path, facts);
                return (value.ToString(), ConditionSemantics.NumberNote(test, value));
            default:
                return (null, null);
        }
    }

    /// <summary>What the explanation says of a condition node whatever the event: its kind, path, operator and operands as written.</summary>
    internal static ExplainForm Form(Condition condition)
    {
        switch (condition)
        {
            case AllCondition:
                return new ExplainForm("all", null, null, []);
            case AnyCondition:
                return new ExplainForm("any", null, null, []);
            case NotCondition:
                return new ExplainForm("not", null, null, []);
            case BusinessHoursCondition hours:
                var days = string.Join(",", hours.Days.Select(d => FlowVocabulary.Days[((int)d + 6) % 7]));
                var to = hours.ToIsEndOfDay ? "24:00" : hours.To.ToString("HH:mm", CultureInfo.InvariantCulture);
                var range = $"{days} {hours.From.ToString("HH:mm", CultureInfo.InvariantCulture)}-{to} {hours.Zone.Id}";
                return new ExplainForm("business_hours", null, "business_hours", [range]);
            default:
                var test = (TestCondition)condition;
                var op = OperatorNames[test.Operator];
                if (!test.WholeWord && test.Operator is TestOperator.Contains or TestOperator.ContainsAny or TestOperator.ContainsAll or TestOperator.NotContains)
                {
                    op += ", whole_word: false";
                }

                return new ExplainForm("test", test.Path.Text, op, Operands(test));
        }
    }

    private static ImmutableArray<string> Operands(TestCondition test)
    {
        if (!test.Values.IsDefaultOrEmpty)
        {
            return test.Values;
        }

        if (test.Regex is not null)
        {
            return [test.Regex.ToString()];
        }

        if (test.Flag is { } flag)
        {
            return [flag ? "true" : "false"];
        }

        if (test.Number is { } n)
        {
            return [test.Path.Kind == ValueKind.Duration ? Durations.Format(TimeSpan.FromSeconds(n)) : n.ToString(CultureInfo.InvariantCulture)];
        }

        return [];
    }
}

/// <summary>What an explanation says of a condition node whatever the event (<see cref="ConditionTrace"/> without the actual value and result).</summary>
internal sealed record ExplainForm(string Kind, string? Path, string? Operator, ImmutableArray<string> Expected)
{
    public static ExplainForm Of(Condition condition) => ExplanationBuilder.Form(condition);

    /// <summary>Whether the node is a test or business hours (a leaf, whose line carries what it read), not <c>all</c>, <c>any</c> or <c>not</c>.</summary>
    public bool IsLeaf => Kind is "test" or "business_hours";

    /// <summary>The condition line's path: the test's path, or the node's kind (<c>all</c>, <c>business_hours</c>…).</summary>
    public string LinePath { get; } = Kind is "test" or "business_hours" ? Path ?? Kind : Kind;

    /// <summary>The condition line's operator: empty for a group and for business hours (whose range says it).</summary>
    public string LineOperator { get; } = Kind is "test" ? Operator ?? string.Empty : string.Empty;

    /// <summary>The condition line's expected text: one operand as written, several as "[a, b]", empty for a group.</summary>
    public string LineExpected { get; } = Kind is "test" or "business_hours" ? ExpectedText(Expected) : string.Empty;

    /// <summary>The expected text of a test's operands: one as written, several as "[a, b]", none as "[]".</summary>
    public static string ExpectedText(ImmutableArray<string> operands) =>
        operands.Length == 1 ? operands[0] : operands.IsDefaultOrEmpty ? "[]" : "[" + string.Join(", ", operands) + "]";
}
