using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// One event's facts as conditions read them outside the rule network: each condition node of a
/// <see cref="ConditionGraph"/> evaluated with <see cref="ConditionSemantics"/>, the text that keyword tests search
/// folded once per path and event. Used by the NRules engine (its rules' conditions call it) and its explanations.
/// Not thread-safe: one view per event.
/// </summary>
internal sealed class EventView(FactSnapshot facts)
{
    private List<(FieldPath Path, string Text)>? keywordTexts;

    public FactSnapshot Facts { get; } = facts;

    /// <summary>The node's result for this event (see docs/rule-network.md, "Condition trees").</summary>
    public bool Holds(ConditionGraph graph, int id)
    {
        var node = graph.Nodes[id];
        switch (node.Kind)
        {
            case NodeKind.All:
                for (var i = 0; i < node.Count; i++)
                {
                    if (!Holds(graph, graph.Items[node.First + i]))
                    {
                        return false;
                    }
                }

                return true;
            case NodeKind.Any:
                for (var i = 0; i < node.Count; i++)
                {
                    if (Holds(graph, graph.Items[node.First + i]))
                    {
                        return true;
                    }
                }

                return false;
            case NodeKind.Not:
                return !Holds(graph, node.First);
            case NodeKind.Atom:
                var atom = graph.Atoms[node.First];
                return atom.Test is { } test ? Holds(test) : ConditionSemantics.InBusinessHours(atom.Hours!, Facts.Event.At);
            default:
                return true;
        }
    }

    /// <summary>The test's result for this event.</summary>
    public bool Holds(CompiledTest test)
    {
        var value = PathResolver.Resolve(test.Path, Facts);
        return test.IsKeywordTest && !value.IsMissing
            ? ConditionSemantics.Holds(test, value, KeywordText(test.Path, value.Text!))
            : ConditionSemantics.Holds(test, value, default);
    }

    /// <summary>The path's text folded with whitespace runs collapsed, as keyword tests search it; folded once per event.</summary>
    private string KeywordText(FieldPath path, string text)
    {
        keywordTexts ??= [];
        foreach (var (p, folded) in keywordTexts)
        {
            if (p == path)
            {
                return folded;
            }
        }

        var buffer = new char[text.Length];
        var result = new string(buffer, 0, TextRules.Fold(text, buffer, collapseWhitespace: true));
        keywordTexts.Add((path, result));
        return result;
    }
}
