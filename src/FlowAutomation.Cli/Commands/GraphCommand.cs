using FlowAutomation.Compilation;
using FlowAutomation.Diagrams;

namespace FlowAutomation.Cli.Commands;

/// <summary><c>flowctl graph &lt;flow file&gt; [--flow ID] [--format mermaid|dot]</c>: one diagram per flow in the file.</summary>
internal static class GraphCommand
{
    public static int Run(CommandArgs args, TextWriter stdout, TextWriter stderr)
    {
        var format = args.Choice("format", "mermaid", "dot") == "dot" ? DiagramFormat.Dot : DiagramFormat.Mermaid;
        if (args.Positional.Count != 1)
        {
            throw new UsageException("graph takes exactly one flow file");
        }

        var result = new FlowCompiler().CompilePaths(args.Positional);
        foreach (var diagnostic in result.Diagnostics)
        {
            stderr.WriteLine(diagnostic);
        }

        if (result.HasErrors)
        {
            return FlowCtl.Errors;
        }

        var wanted = args.Option("flow");
        var flows = wanted is null ? result.Flows.ToList() : result.Flows.Where(f => f.Id == wanted).ToList();
        if (flows.Count == 0)
        {
            stderr.WriteLine(wanted is null ? "flowctl: the file holds no flow" : $"flowctl: no flow '{wanted}' in the file; it holds {string.Join(", ", result.Flows.Select(f => f.Id))}");
            return FlowCtl.Errors;
        }

        for (var i = 0; i < flows.Count; i++)
        {
            if (i > 0)
            {
                stdout.WriteLine();
            }

            stdout.Write(FlowDiagram.Render(flows[i], format));
        }

        return FlowCtl.Ok;
    }
}
