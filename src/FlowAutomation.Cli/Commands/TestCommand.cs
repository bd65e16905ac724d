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
            var why = result.Run is { } run
                ? run.Failures[0] + (run.Failures.Length > 1 ? $" (and {run.Failures.Length - 1} more)" : string.Empty)
                : result.Diagnostics.First(d => d.IsError).ToString();
            stdout.WriteLine($"FAIL  {file}  {why}");
        }

        if (files.Count == 0)
        {
            stdout.WriteLine("no scenario files found (folders are searched for *.scenario.yaml)");
        }

        stdout.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && files.Count > 0 ? FlowCtl.Ok : FlowCtl.Errors;
    }
}
