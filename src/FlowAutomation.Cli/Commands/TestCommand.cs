using System.CommandLine;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Cli.Commands;

/// <summary>
/// <c>flowctl test &lt;scenario files or folders...&gt; [--flows DIR] [--engine network|nrules]</c>: one line per scenario, then
/// "N passed, N failed"; exit 0 only when every scenario passes. In folders, scenario files are the
/// <c>*.scenario.yaml</c> (or <c>.yml</c>) files; a file named on the command line is run whatever its name.
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("scenario files or folders")
        {
            Description = "Scenario files (run whatever their name) and folders (searched for *.scenario.yaml and *.scenario.yml).",
            Arity = ArgumentArity.OneOrMore,
        }.RejectingUnknownOptions();
        var flows = CommandOptions.ScenarioFlows();
        var engine = CommandOptions.RuleEngine();
        var command = new Command("test", "Run scenarios and check their expectations; the last line is \"N passed, N failed\".") { paths, flows, engine };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new ScenarioRunOptions
            {
                FlowsOverride = parse.GetValue(flows),
                ExplainConditions = false,
                KeepTrace = false, // only the outcome is printed
                RuleEngine = CommandOptions.RuleEngineKind(parse.GetRequiredValue(engine)),
            };
            return RunAsync(parse.GetRequiredValue(paths), options, parse.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyList<string> paths, ScenarioRunOptions options, TextWriter stdout, CancellationToken cancellationToken)
    {
        var files = ScenarioFiles.Expand(paths);
        int passed = 0, failed = 0;
        foreach (var file in files)
        {
            var result = await ScenarioRunner.RunFileAsync(file, options, cancellationToken);
            if (result.Passed)
            {
                passed++;
                await stdout.WriteLineAsync($"pass  {file}  ({result.Run!.Scenario.Name})");
                continue;
            }

            failed++;
            if (result.Run is { } run)
            {
                await stdout.WriteLineAsync($"FAIL  {file}  {run.Failures[0]}" + (run.Failures.Length > 1 ? $" (and {run.Failures.Length - 1} more)" : string.Empty));
                continue;
            }

            // A scenario that cannot run: every mistake, each on its own line in the compiler's format that editors and CI read.
            var errors = result.Diagnostics.Count(d => d.IsError);
            await stdout.WriteLineAsync($"FAIL  {file}  {errors} error{(errors == 1 ? string.Empty : "s")} in the scenario or its flows:");
            foreach (var diagnostic in result.Diagnostics)
            {
                await stdout.WriteLineAsync(diagnostic.ToString());
            }
        }

        if (files.Count == 0)
        {
            await stdout.WriteLineAsync("no scenario files found (folders are searched for *.scenario.yaml)");
        }

        await stdout.WriteLineAsync($"{passed} passed, {failed} failed");
        return failed == 0 && files.Count > 0 ? FlowCtl.Ok : FlowCtl.Errors;
    }
}
