using System.Globalization;
using System.Text;
using FlowAutomation.Runtime;

namespace FlowAutomation.Scenarios;

/// <summary>The dry run's output: a text transcript a person reads, or JSON Lines a program reads.</summary>
public static class ScenarioTranscript
{
    /// <summary>The scenario, the timeline, then each expectation's verdict.</summary>
    public static string ToText(ScenarioRun run)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        WriteText(run, text);
        return text.ToString();
    }

    /// <summary>
    /// <see cref="ToText"/> written to <paramref name="output"/> piece by piece (<see cref="TranscriptWriter.WriteText"/>):
    /// a run that kept its trace, however long.
    /// </summary>
    public static void WriteText(ScenarioRun run, TextWriter output)
    {
        output.Write(Head(run.Scenario, run.Flows.Length));
        TranscriptWriter.WriteText(run.Trace, run.Scenario.Start, output);
        WriteVerdicts(run, output);
    }

    /// <summary>The text transcript's first lines: the scenario's name, its start and how many flows it runs.</summary>
    public static string Head(Scenario scenario, int flowCount) =>
        string.Create(CultureInfo.InvariantCulture, $"scenario: {scenario.Name}\nstart:    {scenario.Start:yyyy-MM-dd HH:mm 'UTC'}, {flowCount} flow(s)\n\n");

    /// <summary>
    /// The text transcript's last lines, each expectation's verdict: what the dry run writes after a run whose timeline
    /// it wrote as the run went (<see cref="ScenarioRunOptions.TextOutput"/>).
    /// </summary>
    public static void WriteVerdicts(ScenarioRun run, TextWriter output)
    {
        var sb = new StringBuilder();
        sb.Append('\n').Append(run.Passed ? "expectations: all met\n" : "expectations not met:\n");
        foreach (var failure in run.Failures)
        {
            sb.Append("  ✘ ").Append(failure).Append('\n');
        }

        output.Write(sb);
    }

    public static string ToJsonLines(ScenarioRun run) => TranscriptWriter.ToJsonLines(run.Trace);

    /// <summary>
    /// The JSON Lines of a run that kept its trace, written to <paramref name="output"/> as they are formatted. The dry
    /// run's <c>--format json</c> writes the same bytes while it runs (<see cref="ScenarioRunOptions.JsonLinesOutput"/>).
    /// </summary>
    public static void WriteJsonLines(ScenarioRun run, TextWriter output) => TranscriptWriter.WriteJsonLines(run.Trace, output);
}
