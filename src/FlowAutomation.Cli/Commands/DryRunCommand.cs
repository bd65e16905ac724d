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
        // Both formats are written as the run produces them (nothing is written unless the scenario runs): the text's
        // head and timeline through stdout, the JSON Lines as UTF-8 bytes
        // straight to standard output's stream when stdout is the console's UTF-8 writer (the same bytes, without the
        // writer decoding the JSON's UTF-8 into characters and the console encoding them again), else through stdout.
        var json = format == "json";
        await using var bytes = json ? StandardOutputBytes(stdout) : null;
        var runOptions = !json ? options with { TextOutput = stdout }
            : bytes is not null ? options with { JsonLinesUtf8Output = bytes }
            : options with { JsonLinesOutput = stdout };
        ScenarioResult result;
        try
        {
            result = await ScenarioRunner.RunFileAsync(scenario, runOptions, cancellationToken);
        }
        finally
        {
            // The run has written its last lines (also when it threw); the stream is the standard output's own.
            if (bytes is not null)
            {
                await bytes.FlushAsync(CancellationToken.None);
            }
        }

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
            // The head and the timeline were written as the run went (a long run's, with --explain all, can be more
            // text than one string holds, and is not kept in memory); the verdicts close it.
            ScenarioTranscript.WriteVerdicts(run, stdout);
            await stdout.FlushAsync(CancellationToken.None);
        }

        return run.Passed ? FlowCtl.Ok : FlowCtl.Errors;
    }

    /// <summary>
    /// Standard output as a byte stream, when <paramref name="stdout"/> is the console's writer and that writer encodes
    /// UTF-8 (what it would write of the JSON's characters are then these very bytes); otherwise null: a caller's own
    /// writer (the tests', <c>FlowCtl.RunAsync</c>'s callers) or another console encoding gets the characters as before.
    /// </summary>
    private static Stream? StandardOutputBytes(TextWriter stdout)
    {
        if (!ReferenceEquals(stdout, Console.Out) || Console.OutputEncoding.CodePage != System.Text.Encoding.UTF8.CodePage)
        {
            return null;
        }

        stdout.Flush();
        return Console.OpenStandardOutput();
    }
}
