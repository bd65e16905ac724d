using FlowAutomation.Scenarios;

namespace FlowAutomation.Cli.Commands;

/// <summary>
/// <c>flowctl dry-run &lt;scenario&gt; [--flows DIR] [--format text|json] [--explain FLOW|all]</c>: runs a scripted
/// conversation on a virtual clock and prints what happened and why. Exit 0 when the scenario's expectations hold
/// (or it has none), 1 when they do not or the files have errors, 2 usage.
/// </summary>
internal static class DryRunCommand
{
    public static int Run(CommandArgs args, TextWriter stdout, TextWriter stderr)
    {
        var format = args.Choice("format", "text", "json");
        if (args.Positional.Count != 1)
        {
            throw new UsageException("dry-run takes exactly one scenario file");
        }

        var explain = args.Options("explain");
        var options = new ScenarioRunOptions
        {
            FlowsOverride = args.Option("flows"),
            ExplainAll = explain.Contains("all"),
            ExplainFlows = [.. explain.Where(e => e != "all")],
        };
        var result = ScenarioRunner.RunFileAsync(args.Positional[0], options).GetAwaiter().GetResult();
        foreach (var diagnostic in result.Diagnostics)
        {
            stderr.WriteLine(diagnostic);
        }

        if (result.Run is not { } run)
        {
            return FlowCtl.Errors;
        }

        stdout.Write(format == "json" ? ScenarioTranscript.ToJsonLines(run) : ScenarioTranscript.ToText(run));
        return run.Passed ? FlowCtl.Ok : FlowCtl.Errors;
    }
}
