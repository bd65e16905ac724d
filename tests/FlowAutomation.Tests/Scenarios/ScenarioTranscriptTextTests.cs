using System.Globalization;
using System.Text;
using FlowAutomation.Runtime;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Tests.Scenarios;

/// <summary>
/// The dry run's text transcript is written piece by piece: a long run with <c>--explain all</c> is more text than one
/// string holds (the 20,000-event workload ran out of memory building it), so no piece may be the whole timeline.
/// </summary>
public sealed class ScenarioTranscriptTextTests
{
    private const string Flows = """
        flow: hello
        on: message.received
        when:
          message.text: { contains_any: [hi, hello] }
        then:
          - tag: greeted
        """;

    private static async Task<ScenarioRun> RunAsync(int events, ScenarioRunOptions? options = null)
    {
        var flows = new FlowAutomation.Compilation.FlowCompiler().CompileTexts(("f.yaml", Flows)).Flows;
        var text = new StringBuilder("scenario: long\nstart: 2026-03-02T02:00:00Z\nevents:\n");
        for (var i = 0; i < events; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - at: {i}s\n    message.received: \"hi number {i}\"\n");
        }

        text.Append("expect:\n  tags: [greeted, vip]\n");
        var result = await ScenarioRunner.RunTextAsync("long.scenario.yaml", text.ToString(), flows, FlowAutomation.Policy.PolicyProfile.TikTok, options);
        Assert.Empty(result.Diagnostics);
        return result.Run!;
    }

    [Fact]
    public async Task WriteText_RunLongerThanAPiece_WritesPiecesOfAboutAChunkThatMakeTheWholeText()
    {
        var run = await RunAsync(3000);
        using var output = new PieceWriter();

        ScenarioTranscript.WriteText(run, output);

        var text = output.ToString();
        Assert.True(text.Length > 4 * TranscriptWriter.TextChunk, $"the run's text is {text.Length} characters");
        Assert.StartsWith("scenario: long\nstart:    2026-03-02 02:00 UTC, 1 flow(s)\n\n+0s      ", text, StringComparison.Ordinal);
        Assert.EndsWith("\nexpectations not met:\n  ✘ the contact should hold the tag 'vip', but holds greeted\n", text, StringComparison.Ordinal);
        Assert.Equal(3000, text.Split('\n').Count(l => l.Contains("message.received \"hi number", StringComparison.Ordinal) && !l.StartsWith(' ')));
        Assert.True(output.Pieces > 4, $"{output.Pieces} piece(s)");
        Assert.InRange(output.Largest, 1, 2 * TranscriptWriter.TextChunk);
        Assert.Equal(text, ScenarioTranscript.ToText(run));
    }

    [Fact]
    public async Task RunAsync_TextOutput_WritesTheHeadAndTimelineAsItRunsAndKeepsNoRuleRecords()
    {
        var kept = await RunAsync(3000);
        using var output = new PieceWriter();

        var streamed = await RunAsync(3000, new ScenarioRunOptions { TextOutput = output });
        var during = output.ToString();
        ScenarioTranscript.WriteVerdicts(streamed, output);

        Assert.Equal(ScenarioTranscript.ToText(kept), output.ToString());
        Assert.Equal(ScenarioTranscript.ToText(kept)[..during.Length], during);
        Assert.EndsWith(" fired: hello\n", during, StringComparison.Ordinal);
        Assert.InRange(output.Largest, 1, 2 * TranscriptWriter.TextChunk);
        Assert.Contains(kept.Trace, r => r is RuleTrace);
        Assert.DoesNotContain(streamed.Trace, r => r is RuleTrace or EventTrace);
        Assert.Equal(string.Join('\n', kept.Failures), string.Join('\n', streamed.Failures));
    }

    /// <summary>Counts the pieces handed to it and the largest, whichever overload carries them.</summary>
    private sealed class PieceWriter() : StringWriter(CultureInfo.InvariantCulture)
    {
        public int Pieces { get; private set; }

        public int Largest { get; private set; }

        public override void Write(string? value)
        {
            Count(value?.Length ?? 0);
            base.Write(value);
        }

        public override void Write(StringBuilder? value)
        {
            Count(value?.Length ?? 0);
            base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Count(count);
            base.Write(buffer, index, count);
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Count(buffer.Length);
            base.Write(buffer);
        }

        private void Count(int length)
        {
            Pieces++;
            Largest = Math.Max(Largest, length);
        }
    }
}
