using System.CommandLine;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Cli.Commands;

/// <summary>
/// <c>flowctl dry-run &lt;scenario&gt; [--flows DIR] [--format text|json] [--explain FLOW|all] [--engine network|nrules]</c>: runs a scripted
/// conversation on a virtual clock and prints what happened and why. Exit 0 when the scenario's expectations hold
/// (or it has none), 1 when they do not or the files have errors, 2 usage.
/// </summary>
internal static class DryRunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "The scenario file (*.scenario.yaml)." }.RejectingUnknownOptions();
        var flows = CommandOptions.ScenarioFlows();
        var format = CommandOptions.Choice("--format", "text: a timeline with the reasons; json: JSON Lines (event, rule, action, summary).", "text", "json");
        var explain = new Option<string[]>("--explain")
        {
            Description = "Also explain why FLOW did not fire (repeatable), or every flow with 'all'.",
            HelpName = "FLOW|all",
        };
        explain.CompletionSources.Add("all");
        var engine = CommandOptions.RuleEngine();
        var command = new Command("dry-run", "Run a scripted conversation on a virtual clock and explain every decision.")
        {
            scenario,
            flows,
            format,
            explain,
            engine,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var explained = parse.GetValue(explain) ?? [];
            var options = new ScenarioRunOptions
            {
                FlowsOverride = parse.GetValue(flows),
                ExplainAll = explained.Contains("all"),
                ExplainFlows = [.. explained.Where(e => e != "all")],
                RuleEngine = CommandOptions.RuleEngineKind(parse.GetRequiredValue(engine)),
            };
            return RunAsync(parse.GetRequiredValue(scenario), options, parse.GetRequiredValue(format), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string scenario, ScenarioRunOptions options, string format, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // JSON Lines are written as the run produces them (nothing is written unless the scenario runs).
        var result = await ScenarioRunner.RunFileAsync(scenario, format == "json" ? options with { JsonLinesOutput = stdout } : options, cancellationToken);
        foreach (var diagnostic in result.Diagnostics)
        {
            await stderr.WriteLineAsync(diagnostic.ToString());
        }

        if (result.Run is not { } run)
        {
            return FlowCtl.Errors;
        }

        if (format != "json")
        {
            await stdout.WriteAsync(ScenarioTranscript.ToText(run));
        }

        return run.Passed ? FlowCtl.Ok : FlowCtl.Errors;
    }
}
