using System.Text;

namespace FlowAutomation.Diagrams;

internal enum NodeShape
{
    Start,
    Decision,
    Gate,
    Point,
    Action,
    Message,
    Timer,
    End,
}

/// <summary>A small graph of labelled nodes and edges, written out by <see cref="MermaidWriter"/> and <see cref="DotWriter"/>.</summary>
internal sealed class DiagramGraph
{
    public List<(int Id, NodeShape Shape, string Label)> Nodes { get; } = [];

    public List<(int From, int To, string? Label)> Edges { get; } = [];

    public int Node(NodeShape shape, string label)
    {
        Nodes.Add((Nodes.Count, shape, label));
        return Nodes.Count - 1;
    }

    public void Edge(int from, int to, string? label) => Edges.Add((from, to, label));
}

internal static class MermaidWriter
{
    public static string Write(DiagramGraph graph)
    {
        var sb = new StringBuilder("flowchart TD\n");
        foreach (var (id, shape, label) in graph.Nodes)
        {
            var text = Escape(label);
            var (open, close) = shape switch
            {
                NodeShape.Start => ("([", "])"),
                NodeShape.Decision => ("{", "}"),
                NodeShape.Gate => ("{{", "}}"),
                NodeShape.Point => ("((", "))"),
                NodeShape.Message => ("[/", "/]"),
                NodeShape.Timer => ("[[", "]]"),
                NodeShape.End => ("([", "])"),
                _ => ("[", "]"),
            };
            sb.Append("  n").Append(id).Append(open).Append('"').Append(shape == NodeShape.Point ? " " : text).Append('"').Append(close).Append('\n');
        }

        foreach (var (from, to, label) in graph.Edges)
        {
            sb.Append("  n").Append(from).Append(label is null ? " --> " : $" -- {label} --> ").Append('n').Append(to).Append('\n');
        }

        return sb.ToString();
    }

    private static string Escape(string label) =>
        label.Replace("\"", "#quot;", StringComparison.Ordinal).Replace("\n", "<br/>", StringComparison.Ordinal);
}

internal static class DotWriter
{
    public static string Write(DiagramGraph graph, string name)
    {
        var sb = new StringBuilder();
        sb.Append("digraph \"").Append(Escape(name)).Append("\" {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=11];\n");
        foreach (var (id, shape, label) in graph.Nodes)
        {
            var attributes = shape switch
            {
                NodeShape.Start => "shape=box, style=\"rounded,bold\"",
                NodeShape.Decision => "shape=diamond",
                NodeShape.Gate => "shape=hexagon",
                NodeShape.Point => "shape=point",
                NodeShape.Message => "shape=note",
                NodeShape.Timer => "shape=box, style=dashed",
                NodeShape.End => "shape=box, style=rounded",
                _ => "shape=box",
            };
            sb.Append("  n").Append(id).Append(" [label=\"").Append(Escape(label)).Append("\", ").Append(attributes).Append("];\n");
        }

        foreach (var (from, to, label) in graph.Edges)
        {
            sb.Append("  n").Append(from).Append(" -> n").Append(to);
            if (label is not null)
            {
                sb.Append(" [label=\"").Append(Escape(label)).Append("\"]");
            }

            sb.Append(";\n");
        }

        return sb.Append("}\n").ToString();
    }

    private static string Escape(string label) =>
        label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
