using System.CommandLine;
using FlowAutomation.Compilation;
using FlowAutomation.Diagrams;

namespace FlowAutomation.Cli.Commands;

/// <summary><c>flowctl graph &lt;flow file&gt; [--flow ID] [--format mermaid|dot]</c>: one diagram per flow in the file.</summary>
internal static class GraphCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("flow file") { Description = "The flow file to draw." }.RejectingUnknownOptions();
        var flow = new Option<string>("--flow") { Description = "Draw only the flow with this id (a file may hold several).", HelpName = "ID" };
        var format = CommandOptions.Choice("--format", "mermaid: a Mermaid flowchart; dot: Graphviz.", "mermaid", "dot");
        var command = new Command("graph", "Draw the flows in a file as diagrams, one per flow.") { file, flow, format };
        command.SetAction(parse => Run(
            parse.GetRequiredValue(file),
            parse.GetValue(flow),
            parse.GetRequiredValue(format) == "dot" ? DiagramFormat.Dot : DiagramFormat.Mermaid,
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(string file, string? wanted, DiagramFormat format, TextWriter stdout, TextWriter stderr)
    {
        var result = new FlowCompiler().CompilePaths([file]);
        foreach (var diagnostic in result.Diagnostics)
        {
            stderr.WriteLine(diagnostic);
        }

        if (result.HasErrors)
        {
            return FlowCtl.Errors;
        }

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
