using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Benchmarks.Rules;
using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Benchmarks.Runtime;

/// <summary>
/// The workload of issue 15 ("Speed where users feel it"), as <c>flowctl test</c> and <c>flowctl dry-run --format json</c>
/// run it after start-up: 1,000 flows (each: <c>message.text</c> contains any of 3 words of a 500-word vocabulary,
/// <c>contact.country</c> equals one of 10 codes, then <c>tag</c> with the flow's own tag), one conversation, 20,000
/// messages of 8 random words one second apart. The flows and the scenario are written to a temporary folder and
/// loaded in the setup (that is start-up); the timed part is the run (and, for the dry run, the JSON Lines).
/// <see cref="Write"/> also serves <c>--write DIR</c> for timing the real <c>flowctl</c> on the same files.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventsPerSecondConfig))]
public class FlowCtlWorkloadBenchmarks
{
    public const int Flows = 1_000;
    public const int Messages = 20_000;

    private string _dir = string.Empty;
    private string _scenarioPath = string.Empty;
    private Scenario _scenario = null!;
    private ImmutableArray<FlowDefinition> _flows;
    private PolicyProfile _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("flowctl-workload-").FullName;
        _scenarioPath = Write(_dir);
        var diagnostics = new DiagnosticBag();
        _scenario = ScenarioLoader.LoadFile(_scenarioPath, diagnostics) ?? throw new InvalidOperationException(string.Join("\n", diagnostics.ToSortedList()));
        _policy = PolicyProfiles.Load(null).Profile;
        var compilation = new FlowCompiler(_policy).CompilePaths([Path.Combine(_dir, "flows")]);
        _flows = compilation.HasErrors ? throw new InvalidOperationException(string.Join("\n", compilation.Diagnostics.Take(5))) : compilation.Flows;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>As <c>flowctl test</c>: no explanations, the trace not kept, the expectations checked. One operation = one event.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task<int> Test()
    {
        var run = await ScenarioRunner.RunAsync(_scenario, _flows, _policy, new ScenarioRunOptions { ExplainConditions = false, KeepTrace = false });
        return run.Passed ? run.Outcome.Tags.Count : throw new InvalidOperationException(string.Join("\n", run.Failures));
    }

    /// <summary>
    /// As <c>flowctl dry-run --format json</c>: conditions explained, each record written as a JSON line as the run
    /// produces it (to a writer that counts the characters). One operation = one event.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task<int> DryRunJson()
    {
        var output = new CountingWriter();
        await ScenarioRunner.RunAsync(_scenario, _flows, _policy, new ScenarioRunOptions { JsonLinesOutput = output });
        return output.Count;
    }

    /// <summary>
    /// As <c>flowctl dry-run --format json</c> on standard output: the JSON Lines as UTF-8 bytes, to a stream that keeps
    /// nothing. One operation = one event.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task<int> DryRunJsonBytes()
    {
        var run = await ScenarioRunner.RunAsync(_scenario, _flows, _policy, new ScenarioRunOptions { JsonLinesUtf8Output = Stream.Null });
        return run.Trace.Count;
    }

    /// <summary>
    /// Reading the 2 MB scenario file as <c>flowctl test</c> does before the run (decoding, YAML, the hardened reader's
    /// checks, binding the events): most of the real command's time on this workload. One operation = one event.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int ReadScenario()
    {
        var diagnostics = new DiagnosticBag();
        var scenario = ScenarioLoader.LoadFile(_scenarioPath, diagnostics) ?? throw new InvalidOperationException(string.Join("\n", diagnostics.ToSortedList()));
        return scenario.Events.Length;
    }

    /// <summary>Writes the flows (flows/, two files of 500) and the scenario (workload.scenario.yaml) into <paramref name="dir"/>; returns the scenario's path.</summary>
    public static string Write(string dir)
    {
        var random = new Random(15);
        var vocabulary = KeywordFlowSet.Vocabulary(500, random);
        var flowsDir = Directory.CreateDirectory(Path.Combine(dir, "flows")).FullName;
        foreach (var (path, text) in KeywordFlowSet.Yaml(Flows, vocabulary, random, i => $"  - tag: t{i}\n"))
        {
            File.WriteAllText(Path.Combine(flowsDir, Path.GetFileName(path)), text);
        }

        var sb = new StringBuilder("scenario: issue 15 workload\nflows: flows\nstart: 2026-03-02T02:00:00Z\ncontact: { id: u-1, name: Ann Lee, country: SG }\nevents:\n");
        for (var i = 0; i < Messages; i++)
        {
            var words = Enumerable.Range(0, 8).Select(_ => vocabulary[random.Next(vocabulary.Length)]);
            sb.Append("  - at: ").Append(i.ToString(CultureInfo.InvariantCulture)).Append("s\n    message.received: { text: \"").AppendJoin(' ', words).Append("\" }\n");
        }

        var scenario = Path.Combine(dir, "workload.scenario.yaml");
        File.WriteAllText(scenario, sb.ToString());
        return scenario;
    }

    /// <summary>Counts what the dry run writes and keeps nothing (the console's part is not what is measured).</summary>
    private sealed class CountingWriter : TextWriter
    {
        public int Count { get; private set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Count++;

        public override void Write(char[] buffer, int index, int count) => Count += count;
    }
}
