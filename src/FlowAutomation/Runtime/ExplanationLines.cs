using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowAutomation.Model;
using FlowAutomation.Rules;

namespace FlowAutomation.Runtime;

/// <summary>Turns the rule engine's explanations into trace records.</summary>
internal static class ExplanationLines
{
    /// <summary>The engine's reason without its "not fired: " lead, which the transcript says in its own words.</summary>
    public static string WhyNot(FlowExplanation explanation) =>
        explanation.Reason.StartsWith("not fired: ", StringComparison.Ordinal) ? explanation.Reason["not fired: ".Length..] : explanation.Reason;

    /// <summary>The expected text of a test's operands (one as written, several as "[a, b]"), made once per operand list.</summary>
    private static readonly ConditionalWeakTable<string[], string> ExpectedTexts = [];

    /// <summary>The condition lines of a flow's explained condition, depth first: one per node, sized to the tree.</summary>
    [MethodImpl(Hot.Options)]
    public static ImmutableArray<ConditionLine> From(ConditionTrace? root)
    {
        if (root is null)
        {
            return [];
        }

        var lines = new ConditionLine[Count(root)];
        var next = 0;
        Add(root, 0);
        return ImmutableCollectionsMarshal.AsImmutableArray(lines);

        void Add(ConditionTrace node, int depth)
        {
            switch (node)
            {
                case { Kind: "test" or "business_hours" }:
                    lines[next++] = Leaf(node.Kind, node.Path, node.Operator, node.Expected, node.Actual, node.Note, node.Result, depth);
                    return;
                default:
                    lines[next++] = Group(node.Kind, node.Result, depth);
                    foreach (var child in node.Children)
                    {
                        Add(child, depth + 1);
                    }

                    return;
            }
        }
    }

    /// <summary>
    /// The condition lines of a fired flow straight from the evaluation's node results and the flow's condition tree,
    /// without a <see cref="ConditionTrace"/> tree: the lines <see cref="From(ConditionTrace?)"/> gives the flow's explanation.
    /// </summary>
    [MethodImpl(Hot.Options)]
    public static ImmutableArray<ConditionLine> From(FiredExplanation fired)
    {
        if (fired.Explanation is { } explanation)
        {
            return From(explanation.Condition);
        }

        if (fired.Condition is not { } root)
        {
            return [];
        }

        var order = root.DepthFirst;
        var lines = new ConditionLine[order.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            var (node, depth) = order[i];
            var form = node.Form;
            if (form.IsLeaf)
            {
                var (actual, note) = ExplanationBuilder.Reading(node, fired.Facts);
                lines[i] = new ConditionLine(form.LinePath, form.LineOperator, form.LineExpected, actual ?? string.Empty, fired.Result(i), depth) { Note = note };
            }
            else
            {
                lines[i] = Group(form.Kind, fired.Result(i), depth);
            }
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(lines);
    }

    private static int Count(ConditionTrace node)
    {
        var count = 1;
        if (node.Kind is not ("test" or "business_hours"))
        {
            foreach (var child in node.Children)
            {
                count += Count(child);
            }
        }

        return count;
    }

    /// <summary>The line of an <c>all</c>, <c>any</c> or <c>not</c> node: its kind and result.</summary>
    [MethodImpl(Hot.Options)]
    private static ConditionLine Group(string kind, bool result, int depth) =>
        new(kind, string.Empty, string.Empty, string.Empty, result, depth);

    /// <summary>The line of a test or business-hours node (whose operator the line leaves out: its range says it).</summary>
    [MethodImpl(Hot.Options)]
    private static ConditionLine Leaf(string kind, string? path, string? op, ImmutableArray<string> expected, string? actual, string? note, bool result, int depth) =>
        new(path ?? kind, kind == "business_hours" ? string.Empty : op ?? string.Empty, Expected(expected), actual ?? string.Empty, result, depth) { Note = note };

    [MethodImpl(Hot.Options)]
    private static string Expected(ImmutableArray<string> operands)
    {
        if (operands.Length == 1)
        {
            return operands[0];
        }

        return operands.IsDefaultOrEmpty
            ? "[]"
            : ExpectedTexts.GetValue(ImmutableCollectionsMarshal.AsArray(operands)!, static a => ExplainForm.ExpectedText(ImmutableCollectionsMarshal.AsImmutableArray(a)));
    }
}

/// <summary>Rule records for the engine: fired flows always, others when asked to explain them.</summary>
public sealed partial class FlowEngine
{
    /// <summary>
    /// The rule records of the flows an evaluation fired, one per activation, in order. With
    /// <see cref="EngineOptions.ExplainConditions"/>, each carries the conditions of the explanation the evaluation gave
    /// its activation (<see cref="IRuleEngine.EvaluateExplained"/>).
    /// </summary>
    private sealed class FiredExplanations(EngineOptions options, RuleEvaluationResult evaluation)
    {
        private int _next;

        [MethodImpl(Hot.Options)]
        public RuleTrace Record(EventRun run, Activation activation)
        {
            var index = _next++;
            var facts = activation.Facts;
            var flow = activation.Flow;
            var eventType = EventNames.Name(facts.Event.Kind);
            return options.ExplainConditions
                ? new RuleTrace(run.Now, flow.Id, eventType, evaluation.Explanations[index])
                : new RuleTrace(run.Now, flow.Id, eventType, true, null, []);
        }
    }

    private void ExplainNotFired(EventRun run, FactSnapshot facts, ReadOnlySpan<Activation> activations)
    {
        if (!run.Traced || (!Options.ExplainAll && Options.ExplainFlows.IsEmpty))
        {
            return;
        }

        var fired = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in activations)
        {
            if (a.Depth == 0)
            {
                fired.Add(a.Flow.Id);
            }
        }

        var wanted = _rules.Flows
            .Where(f => !fired.Contains(f.Id) && (Options.ExplainFlows.Contains(f.Id) || (Options.ExplainAll && f.Trigger == facts.Event.Kind)))
            .Select(f => f.Id)
            .ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        foreach (var explanation in _rules.Explain(facts, wanted, new StateHistory(run)).Flows)
        {
            run.Trace.Add(new RuleTrace(run.Now, explanation.Flow.Id, EventNames.Name(facts.Event.Kind), false, ExplanationLines.WhyNot(explanation), ExplanationLines.From(explanation.Condition)));
        }
    }
}
