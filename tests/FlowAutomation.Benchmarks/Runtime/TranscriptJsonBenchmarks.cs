using BenchmarkDotNet.Attributes;
using FlowAutomation.Benchmarks.Rules;
using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Policy;
using FlowAutomation.Runtime;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Benchmarks.Runtime;

/// <summary>
/// The JSON Lines of <c>flowctl dry-run --format json</c> alone: the records of one dry run of issue 15's workload
/// (<see cref="FlowCtlWorkloadBenchmarks"/>), made once in the setup, written again as UTF-8 to a stream that keeps
/// nothing, as the command writes them to standard output. One operation = one event's records (about 2.9 KB of JSON).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventsPerSecondConfig))]
public class TranscriptJsonBenchmarks
{
    private IReadOnlyList<TraceRecord> _records = [];

    [GlobalSetup]
    public async Task Setup()
    {
        var dir = Directory.CreateTempSubdirectory("flowctl-transcript-").FullName;
        try
        {
            var diagnostics = new DiagnosticBag();
            var scenario = ScenarioLoader.LoadFile(FlowCtlWorkloadBenchmarks.Write(dir), diagnostics)
                ?? throw new InvalidOperationException(string.Join("\n", diagnostics.ToSortedList()));
            var policy = PolicyProfiles.Load(null).Profile;
            var compilation = new FlowCompiler(policy).CompilePaths([Path.Combine(dir, "flows")]);
            var run = await ScenarioRunner.RunAsync(scenario, compilation.Flows, policy, new ScenarioRunOptions());
            _records = run.Trace;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Benchmark(OperationsPerInvoke = FlowCtlWorkloadBenchmarks.Messages)]
    public int WriteJsonLines()
    {
        using var sink = new TranscriptJson.JsonLinesSink(Stream.Null);
        sink.WriteAll(_records);
        return _records.Count;
    }
}
