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
        var sb = new StringBuilder();
        sb.Append("scenario: ").Append(run.Scenario.Name).Append('\n');
        sb.Append("start:    ").Append(run.Scenario.Start.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
            .Append(", ").Append(run.Flows.Length).Append(" flow(s)\n\n");
        sb.Append(TranscriptWriter.ToText(run.Trace, run.Scenario.Start));
        sb.Append('\n').Append(run.Passed ? "expectations: all met\n" : "expectations not met:\n");
        foreach (var failure in run.Failures)
        {
            sb.Append("  ✘ ").Append(failure).Append('\n');
        }

        return sb.ToString();
    }

    public static string ToJsonLines(ScenarioRun run) => TranscriptWriter.ToJsonLines(run.Trace);

    /// <summary>
    /// The JSON Lines of a run that kept its trace, written to <paramref name="output"/> as they are formatted. The dry
    /// run's <c>--format json</c> writes the same bytes while it runs (<see cref="ScenarioRunOptions.JsonLinesOutput"/>).
    /// </summary>
    public static void WriteJsonLines(ScenarioRun run, TextWriter output) => TranscriptWriter.WriteJsonLines(run.Trace, output);
}
