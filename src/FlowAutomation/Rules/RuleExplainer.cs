using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using FlowAutomation.Language;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// The slow path behind <see cref="RuleNetwork.Explain(FactSnapshot, IFiringHistory?)"/>. It uses a fresh session, computes
/// every signal, replays the agenda of the event's trigger in full (every flow evaluated, none skipped), and reads each
/// condition node's result from the network's own evaluation, so the explanation cannot disagree with the normal path.
/// </summary>
internal sealed class RuleExplainer(RuleNetwork network)
{
    private static readonly FrozenDictionary<TestOperator, string> OperatorNames =
        FlowVocabulary.Operators.ToFrozenDictionary(o => o.Operator, o => o.Name);

    private static readonly FrozenDictionary<EventKind, string> TriggerNames =
        FlowVocabulary.Triggers.ToFrozenDictionary(t => t.Kind, t => t.Name);

    public RuleExplanation Explain(FactSnapshot facts, IFiringHistory? history, IReadOnlyList<FlowEntry> chosen)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var session = network.CreateSession();
        session.BeginEvent(facts);
        session.ComputeAllSignals();

        var outcomes = new Dictionary<int, (FlowOutcome Outcome, string? StoppedBy)>();
        string? stoppedBy = null;
        foreach (var entry in network.Entries)
        {
            var flow = entry.Flow;
            if (!flow.Enabled || flow.Trigger != facts.Event.Kind)
            {
                continue;
            }

            if (!session.EvaluateNode(entry.Root))
            {
                outcomes[entry.Rank] = (FlowOutcome.ConditionFalse, stoppedBy);
            }
            else if (stoppedBy is not null)
            {
                outcomes[entry.Rank] = (FlowOutcome.Stopped, stoppedBy);
            }
            else if (flow.OncePer != OncePer.None && history is not null && history.HasFired(flow, flow.OncePer, facts))
            {
                outcomes[entry.Rank] = (FlowOutcome.AlreadyFired, null);
            }
            else
            {
                outcomes[entry.Rank] = (FlowOutcome.Fired, null);
                stoppedBy = entry.Stops ? flow.Id : null;
            }
        }

        var flows = chosen.OrderBy(e => e.Rank).Select(entry =>
        {
            var flow = entry.Flow;
            var (outcome, by) = !flow.Enabled ? (FlowOutcome.Disabled, null)
                : flow.Trigger != facts.Event.Kind ? (FlowOutcome.TriggerMismatch, null)
                : outcomes[entry.Rank];
            var trace = outcome == FlowOutcome.TriggerMismatch || entry.Explain is null ? null : Trace(entry.Explain, session, facts);
            return new FlowExplanation(flow, outcome, Reason(flow, outcome, by, facts), outcome == FlowOutcome.Stopped ? by : null, trace);
        });
        return new RuleExplanation(facts, [.. flows]);
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

    private static ConditionTrace Trace(ExplainNode node, RuleSession session, FactSnapshot facts)
    {
        var result = session.EvaluateNode(node.Node);
        var children = node.Children.Select(c => Trace(c, session, facts)).ToImmutableArray();
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
