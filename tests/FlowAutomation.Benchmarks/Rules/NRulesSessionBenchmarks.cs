using BenchmarkDotNet.Attributes;
using FlowAutomation.Model;
using FlowAutomation.Rules.NRules;

namespace FlowAutomation.Benchmarks.Rules;

/// <summary>
/// How the NRules engine should use its sessions (issue 11, docs/nrules.md "Session lifetime"): the benchmark's flow
/// set at 1,000 flows, each event inserted and fired in a fresh session, in one session retracted after each event, or
/// in one session that keeps its events and is replaced after N of them; the rules' actions interpreted or compiled.
/// Per event.
/// Run: dotnet run -c Release --project tests/FlowAutomation.Benchmarks -- --filter '*NRulesSessionBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 5)]
[Config(typeof(EventsPerSecondConfig))]
public class NRulesSessionBenchmarks
{
    private const int EventCount = 1024;

    private FactSnapshot[] events = [];
    private NRulesEngine engine = null!;

    [Params(1_000)]
    public int Flows { get; set; }

    [Params("fresh", "retract", "recycle-64", "recycle-256", "recycle-1024")]
    public string Lifetime { get; set; } = "recycle-256";

    /// <summary>Whether the rules' actions are interpreted (the engine's default) or compiled to IL.</summary>
    [Params(true, false)]
    public bool InterpretActions { get; set; } = true;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20260302);
        var vocabulary = KeywordFlowSet.Vocabulary(500, random);
        var flows = KeywordFlowSet.Compile(KeywordFlowSet.Yaml(Flows, vocabulary, random));
        events = KeywordFlowSet.Events(EventCount, vocabulary, random);
        var options = Lifetime switch
        {
            "fresh" => new NRulesEngineOptions { Lifetime = SessionLifetime.FreshPerEvent },
            "retract" => new NRulesEngineOptions { Lifetime = SessionLifetime.RetractEachEvent },
            _ => new NRulesEngineOptions { Lifetime = SessionLifetime.Recycle, RecycleAfter = int.Parse(Lifetime["recycle-".Length..], System.Globalization.CultureInfo.InvariantCulture) },
        } with { InterpretActions = InterpretActions };
        engine = NRulesEngine.Build(flows, null, options);
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int Evaluate()
    {
        var fired = 0;
        foreach (var e in events)
        {
            fired += engine.Evaluate(e).Activations.Length;
        }

        return fired;
    }
}
