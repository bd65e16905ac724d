using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
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

    private static ConditionTrace Trace(ExplainNode node, Func<int, bool> nodeResult, FactSnapshot facts)
    {
        var result = nodeResult(node.Node);
        var children = node.Children.Select(c => Trace(c, nodeResult, facts)).ToImmutableArray();
        var span = node.Source.Span;
        switch (node.Source)
        {
            case AllCondition:
                return new ConditionTrace("all", null, null, [], null, result, children, span);
            case AnyCondition:
                return new ConditionTrace("any", null, null, [], null, result, children, span);
            case NotCondition:
                return new ConditionTrace("not", null, null, [], null, result, children, span);
            case BusinessHoursCondition hours:
                var days = string.Join(",", hours.Days.Select(d => FlowVocabulary.Days[((int)d + 6) % 7]));
                var to = hours.ToIsEndOfDay ? "24:00" : hours.To.ToString("HH:mm", CultureInfo.InvariantCulture);
                var range = $"{days} {hours.From.ToString("HH:mm", CultureInfo.InvariantCulture)}-{to} {hours.Zone.Id}";
                return new ConditionTrace("business_hours", null, "business_hours", [range], ConditionSemantics.LocalTime(hours, facts.Event.At), result, [], span);
            default:
                var test = (TestCondition)node.Source;
                var op = OperatorNames[test.Operator];
                if (!test.WholeWord && test.Operator is TestOperator.Contains or TestOperator.ContainsAny or TestOperator.ContainsAll or TestOperator.NotContains)
                {
                    op += ", whole_word: false";
                }

                var value = PathResolver.Resolve(test.Path, facts);
                return new ConditionTrace("test", test.Path.Text, op, Operands(test), value.ToString(), result, [], span) { Note = ConditionSemantics.NumberNote(test, value) };
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
