using System.Text;
using FlowAutomation.Runtime;
using FlowAutomation.Rules;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Tests.Samples;

/// <summary>
/// Every scenario in samples/ runs through the dry-run runner and passes, and its transcripts (text and JSON Lines)
/// match the golden files beside it, so neither the samples nor the runner's output can drift unnoticed.
/// </summary>
public sealed class SampleScenariosTests
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in ScenarioFiles.Expand([RepoPaths.Of("samples")]))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Run_SampleScenario_PassesAndMatchesItsTranscripts(string relativePath)
    {
        var path = RepoPaths.Of(relativePath);

        var result = await ScenarioRunner.RunFileAsync(path);

        Assert.Empty(result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()));
        Assert.NotNull(result.Run);
        Assert.Empty(result.Run.Failures);
        var stem = path[..^".scenario.yaml".Length];
        RepoPaths.AssertMatchesFile(stem + ".transcript.txt", ScenarioTranscript.ToText(result.Run));
        RepoPaths.AssertMatchesFile(stem + ".transcript.jsonl", ScenarioTranscript.ToJsonLines(result.Run));
    }

    /// <summary>
    /// As <c>flowctl test</c> runs it (no explanations, the trace not kept): the same outcome and verdicts as the dry
    /// run's full run (its fired flows counted from the rule records, the untraced run's from the state), and the trace
    /// holds only the refused replies and the summary.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Run_SampleScenarioWithoutKeepingTheTrace_SameOutcomeAndVerdicts(string relativePath)
    {
        var path = RepoPaths.Of(relativePath);

        var full = await ScenarioRunner.RunFileAsync(path, new ScenarioRunOptions { ExplainConditions = false });
        var counted = await ScenarioRunner.RunFileAsync(path, new ScenarioRunOptions { ExplainConditions = false, KeepTrace = false });

        Assert.NotNull(full.Run);
        Assert.NotNull(counted.Run);
        var (a, b) = (full.Run.Outcome, counted.Run.Outcome);
        Assert.Equal(a.Sent.ToList(), b.Sent.ToList());
        Assert.Equal(a.Blocked.ToList(), b.Blocked.ToList());
        Assert.Equal(a.Fired.Order(StringComparer.Ordinal), b.Fired.Order(StringComparer.Ordinal));
        Assert.Equal(a.Tags.Order(StringComparer.Ordinal), b.Tags.Order(StringComparer.Ordinal));
        Assert.Equal((a.Assignee, a.Team), (b.Assignee, b.Team));
        Assert.Equal(full.Run.Verdicts.ToList(), counted.Run.Verdicts.ToList());
        Assert.True(counted.Run.Trace.Count < full.Run.Trace.Count);
        Assert.All(counted.Run.Trace, r => Assert.True(r is ActionTrace { Status: ActionStatus.Blocked } or SummaryTrace, r.Kind));
    }

    /// <summary>
    /// As <c>flowctl dry-run --format json</c> runs it (each record written as a JSON line as the run produces it, none
    /// kept): the very bytes of the kept trace's JSON Lines (the golden file), the same outcome and verdicts, and the
    /// run keeps only the refused replies and the summary. On both engines.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Run_SampleScenarioWritingJsonLinesAsItRuns_SameBytesOutcomeAndVerdicts(string relativePath)
    {
        var path = RepoPaths.Of(relativePath);
        foreach (var engine in new[] { RuleEngineKind.Network, RuleEngineKind.NRules })
        {
            var kept = await ScenarioRunner.RunFileAsync(path, new ScenarioRunOptions { RuleEngine = engine });
            var output = new StringWriter();
            var streamed = await ScenarioRunner.RunFileAsync(path, new ScenarioRunOptions { RuleEngine = engine, JsonLinesOutput = output });

            Assert.NotNull(kept.Run);
            Assert.NotNull(streamed.Run);
            Assert.Equal(ScenarioTranscript.ToJsonLines(kept.Run), output.ToString());
            var (a, b) = (kept.Run.Outcome, streamed.Run.Outcome);
            Assert.Equal(a.Sent.ToList(), b.Sent.ToList());
            Assert.Equal(a.Blocked.ToList(), b.Blocked.ToList());
            Assert.Equal(a.Fired.Order(StringComparer.Ordinal), b.Fired.Order(StringComparer.Ordinal));
            Assert.Equal(kept.Run.Verdicts.ToList(), streamed.Run.Verdicts.ToList());
            Assert.All(streamed.Run.Trace, r => Assert.True(r is ActionTrace { Status: ActionStatus.Blocked } or SummaryTrace, r.Kind));
        }
    }

    /// <summary>
    /// As <c>flowctl dry-run --format json</c> writes to standard output (the lines' UTF-8 bytes straight to a stream):
    /// the very bytes the writer path gives, UTF-8 encoded, the same outcome and verdicts. On both engines.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Run_SampleScenarioWritingJsonLinesAsBytes_SameBytesAsTheWriter(string relativePath)
    {
        var path = RepoPaths.Of(relativePath);
        foreach (var engine in new[] { RuleEngineKind.Network, RuleEngineKind.NRules })
        {
            var text = new StringWriter();
            var written = await ScenarioRunner.RunFileAsync(path, new ScenarioRunOptions { RuleEngine = engine, JsonLinesOutput = text });
            using var bytes = new MemoryStream();
            var streamed = await ScenarioRunner.RunFileAsync(path, new ScenarioRunOptions { RuleEngine = engine, JsonLinesUtf8Output = bytes });

            Assert.NotNull(written.Run);
            Assert.NotNull(streamed.Run);
            Assert.NotEqual(0, bytes.Length);
            Assert.Equal(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString()), bytes.ToArray());
            Assert.Equal(written.Run.Outcome.Sent.ToList(), streamed.Run.Outcome.Sent.ToList());
            Assert.Equal(written.Run.Verdicts.ToList(), streamed.Run.Verdicts.ToList());
        }
    }

    /// <summary>
    /// A fired flow's rule record made from its evaluation's explanation is written as JSON straight from the node results
    /// (its condition lines are not made for it); its JSON is byte for byte what the same record with its condition lines
    /// made gives, for every sample, as the dry run runs it and with every flow explained.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Write_RuleRecordsMadeFromExplanations_SameBytesAsFromTheirConditionLines(string relativePath)
    {
        var path = RepoPaths.Of(relativePath);
        foreach (var options in new[] { new ScenarioRunOptions(), new ScenarioRunOptions { ExplainAll = true } })
        {
            var result = await ScenarioRunner.RunFileAsync(path, options);
            Assert.NotNull(result.Run);
            var records = result.Run.Trace;
            var fromLines = records
                .Select(r => r is RuleTrace rule ? new RuleTrace(rule.At, rule.Flow, rule.EventType, rule.Fired, rule.WhyNot, rule.Conditions) : r)
                .ToList();

            Assert.All(fromLines.OfType<RuleTrace>(), r => Assert.Null(r.Explained));
            Assert.Equal(TranscriptJson.ToString(fromLines), TranscriptJson.ToString(records));
        }
    }

    /// <summary>
    /// Records made from explanations are in the samples' runs (the test above compares something), and their lines are
    /// made when first read.
    /// </summary>
    [Fact]
    public async Task Run_SampleScenarios_RuleRecordsMadeFromExplanationsReadTheirLines()
    {
        var explained = new List<RuleTrace>();
        foreach (var file in ScenarioFiles.Expand([RepoPaths.Of("samples")]))
        {
            var result = await ScenarioRunner.RunFileAsync(file);
            Assert.NotNull(result.Run);
            explained.AddRange(result.Run.Trace.OfType<RuleTrace>().Where(r => r.Explained is not null));
        }

        Assert.NotEmpty(explained);
        Assert.Contains(explained, r => r.Conditions.Length > 1);
        Assert.All(explained, r => Assert.Equal([.. ExplanationLines.From(r.Explained!)], r.Conditions.ToArray()));
    }

    /// <summary>
    /// The same scenario on the NRules engine gives the very transcripts the network gives (the network's are the golden
    /// files above): as the dry run runs it, and with every flow explained, so that every activation, its order and
    /// every explanation are the same on both engines.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Run_SampleScenarioOnNRules_TranscriptsEqualTheNetworks(string relativePath)
    {
        var path = RepoPaths.Of(relativePath);
        foreach (var options in new[] { new ScenarioRunOptions(), new ScenarioRunOptions { ExplainAll = true } })
        {
            var network = await ScenarioRunner.RunFileAsync(path, options);
            var nrules = await ScenarioRunner.RunFileAsync(path, options with { RuleEngine = RuleEngineKind.NRules });

            Assert.NotNull(network.Run);
            Assert.NotNull(nrules.Run);
            Assert.Empty(nrules.Run.Failures);
            Assert.Equal(ScenarioTranscript.ToText(network.Run), ScenarioTranscript.ToText(nrules.Run));
            Assert.Equal(ScenarioTranscript.ToJsonLines(network.Run), ScenarioTranscript.ToJsonLines(nrules.Run));
        }
    }

    [Fact]
    public void Samples_CoverEveryShippedFlowAndEveryRuntimeGuardRefusal()
    {
        var scenarios = ScenarioFiles.Expand([RepoPaths.Of("samples")]).Select(File.ReadAllText).ToList();
        var shipped = new FlowAutomation.Compilation.FlowCompiler().CompilePaths([RepoPaths.Of("flows")]).Flows;

        foreach (var flow in shipped)
        {
            Assert.True(scenarios.Any(s => s.Contains(flow.Id, StringComparison.Ordinal)), $"no sample mentions flow {flow.Id}");
        }

        foreach (var reason in new[] { "quota_exhausted", "window_expired", "not_user_initiated", "text_empty", "text_too_long", "media_region_blocked", "contact_reported" })
        {
            Assert.True(scenarios.Any(s => s.Contains("reason: " + reason, StringComparison.Ordinal)), $"no sample shows {reason}");
        }
    }
}
