using FlowAutomation.Scenarios;

namespace FlowAutomation.Cli.Commands;

/// <summary>
/// <c>flowctl test &lt;scenario files or folders...&gt; [--flows DIR]</c>: one line per scenario, then
/// "N passed, N failed"; exit 0 only when every scenario passes. In folders, scenario files are the
/// <c>*.scenario.yaml</c> (or <c>.yml</c>) files; a file named on the command line is run whatever its name.
/// </summary>
internal static class TestCommand
{
    public static int Run(CommandArgs args, TextWriter stdout)
    {
        if (args.Positional.Count == 0)
        {
            throw new UsageException("test needs at least one scenario file or folder");
        }

        var files = ScenarioFiles.Expand(args.Positional);
        var options = new ScenarioRunOptions { FlowsOverride = args.Option("flows"), ExplainConditions = false };
        int passed = 0, failed = 0;
        foreach (var file in files)
        {
            var result = ScenarioRunner.RunFileAsync(file, options).GetAwaiter().GetResult();
            if (result.Passed)
            {
                passed++;
                stdout.WriteLine($"pass  {file}  ({result.Run!.Scenario.Name})");
                continue;
            }

            failed++;
            if (result.Run is { } run)
            {
                stdout.WriteLine($"FAIL  {file}  {run.Failures[0]}" + (run.Failures.Length > 1 ? $" (and {run.Failures.Length - 1} more)" : string.Empty));
                continue;
            }

            // A scenario that cannot run: every mistake, each on its own line in the compiler's format that editors and CI read.
            var errors = result.Diagnostics.Count(d => d.IsError);
            stdout.WriteLine($"FAIL  {file}  {errors} error{(errors == 1 ? string.Empty : "s")} in the scenario or its flows:");
            foreach (var diagnostic in result.Diagnostics)
            {
                stdout.WriteLine(diagnostic);
            }
        }

        if (files.Count == 0)
        {
            stdout.WriteLine("no scenario files found (folders are searched for *.scenario.yaml)");
        }

        stdout.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && files.Count > 0 ? FlowCtl.Ok : FlowCtl.Errors;
    }
}
