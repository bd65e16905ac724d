using FlowAutomation.Language;
using FlowAutomation.Model;

namespace FlowAutomation.Diagrams;

public enum DiagramFormat
{
    Mermaid,
    Dot,
}

/// <summary>
/// Draws a flow as a diagram a person can read: the trigger, the condition tree (all/any/not as gates with their
/// tests), the actions in order, and follow-ups as timed branches with their own actions.
/// </summary>
public static class FlowDiagram
{
    public static string Render(FlowDefinition flow, DiagramFormat format)
    {
        var graph = new DiagramGraph();
        var trigger = graph.Node(NodeShape.Start, $"{flow.Id}\non {TriggerName(flow.Trigger)}" + (flow.OncePer == OncePer.None ? string.Empty : $"\nonce per {flow.OncePer.ToString().ToLowerInvariant()}"));
        var last = trigger;
        if (flow.When is not null)
        {
            var gate = AddCondition(graph, flow.When);
            graph.Edge(trigger, gate, null);
            var pass = graph.Node(NodeShape.Point, string.Empty);
            graph.Edge(gate, pass, "yes");
            var skip = graph.Node(NodeShape.End, "not fired");
            graph.Edge(gate, skip, "no");
            last = pass;
        }

        AddActions(graph, last, flow.Then);
        return format == DiagramFormat.Mermaid ? MermaidWriter.Write(graph) : DotWriter.Write(graph, flow.Id);
    }

    public static string TriggerName(EventKind kind) => FlowVocabulary.Triggers.First(t => t.Kind == kind).Name;

    /// <summary>A single test becomes a decision; all/any/not become a labelled gate fed by their parts.</summary>
    private static int AddCondition(DiagramGraph graph, Condition condition)
    {
        switch (condition)
        {
            case AllCondition or AnyCondition:
                var items = condition is AllCondition all ? all.Items : ((AnyCondition)condition).Items;
                if (items.All(i => i is TestCondition or BusinessHoursCondition))
                {
                    var joiner = condition is AllCondition ? "\nand " : "\nor ";
                    return graph.Node(NodeShape.Decision, string.Join(joiner, items.Select(ConditionFormatter.Describe)));
                }

                var gate = graph.Node(NodeShape.Gate, condition is AllCondition ? "all of" : "any of");
                foreach (var item in items)
                {
                    graph.Edge(AddCondition(graph, item), gate, null);
                }

                return gate;
            case NotCondition not:
                var inverted = graph.Node(NodeShape.Gate, "not");
                graph.Edge(AddCondition(graph, not.Inner), inverted, null);
                return inverted;
            default:
                return graph.Node(NodeShape.Decision, ConditionFormatter.Describe(condition));
        }
    }

    private static void AddActions(DiagramGraph graph, int from, IEnumerable<FlowAction> actions)
    {
        var previous = from;
        foreach (var action in actions)
        {
            if (action is FollowUpAction followUp)
            {
                var timer = graph.Node(NodeShape.Timer, ConditionFormatter.Describe(followUp));
                graph.Edge(previous, timer, null);
                AddActions(graph, timer, followUp.Then);
                continue; // the flow's own actions go on without waiting
            }

            var shape = action switch
            {
                ReplyAction => NodeShape.Message,
                StopAction => NodeShape.End,
                _ => NodeShape.Action,
            };
            var node = graph.Node(shape, ConditionFormatter.Describe(action));
            graph.Edge(previous, node, null);
            previous = node;
        }
    }
}
