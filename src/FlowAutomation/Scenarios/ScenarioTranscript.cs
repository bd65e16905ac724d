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
    /// the dry run's text output, however long the run.
    /// </summary>
    public static void WriteText(ScenarioRun run, TextWriter output)
    {
        var sb = new StringBuilder();
        sb.Append("scenario: ").Append(run.Scenario.Name).Append('\n');
        sb.Append("start:    ").Append(run.Scenario.Start.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
            .Append(", ").Append(run.Flows.Length).Append(" flow(s)\n\n");
        output.Write(sb);
        TranscriptWriter.WriteText(run.Trace, run.Scenario.Start, output);
        sb.Clear().Append('\n').Append(run.Passed ? "expectations: all met\n" : "expectations not met:\n");
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
