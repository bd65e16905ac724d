using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using FlowAutomation.Rules.NRules;

namespace FlowAutomation.Benchmarks.Rules;

/// <summary>
/// Issue 3's benchmark, with NRules beside it (issue 11): N flows of "trigger + keyword any-of (3 of 500 words) +
/// country equals (1 of 10)", random 8-word messages. Evaluate: the rule network (one warm session), the same flows as
/// NRules rules (<see cref="NRulesEngine"/>, its pooled sessions as the service uses them) and the naive loop; each
/// operation is one event (<see cref="EventCount"/> events per invocation), so Mean is the time per event and Allocated
/// the bytes per event. Compile: building each engine from the compiled flows, per build.
/// Run: dotnet run -c Release --project tests/FlowAutomation.Benchmarks -- --filter '*RuleNetworkBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 5)]
[Config(typeof(EventsPerSecondConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class RuleNetworkBenchmarks
{
    private const int EventCount = 1024;

    private ImmutableArray<FlowDefinition> flows;
    private FactSnapshot[] events = [];
    private RuleSession session = null!;
    private NRulesEngine nrules = null!;
    private NaiveLoop naive = null!;

    [Params(10, 100, 1_000, 10_000)]
    public int Flows { get; set; }

    [GlobalSetup(Targets = [nameof(CompileNetwork), nameof(CompileNRules)])]
    public void SetupFlows()
    {
        var random = new Random(20260302);
        var vocabulary = KeywordFlowSet.Vocabulary(500, random);
        flows = KeywordFlowSet.Compile(KeywordFlowSet.Yaml(Flows, vocabulary, random));
        events = KeywordFlowSet.Events(EventCount, vocabulary, random);
        naive = new NaiveLoop(flows);
    }

    [GlobalSetup(Target = nameof(Network))]
    public void SetupNetwork()
    {
        SetupFlows();
        session = RuleNetwork.Build(flows).CreateSession();
        AgreeWithTheNaiveLoop("network", e => session.Evaluate(e).ToResult());
    }

    [GlobalSetup(Target = nameof(NRules))]
    public void SetupNRules()
    {
        SetupFlows();
        nrules = NRulesEngine.Build(flows);
        AgreeWithTheNaiveLoop("NRules", e => nrules.Evaluate(e));
    }

    [GlobalSetup(Target = nameof(NaiveLoop))]
    public void SetupNaive() => SetupFlows();

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    [BenchmarkCategory("Evaluate")]
    public int Network()
    {
        var fired = 0;
        foreach (var e in events)
        {
            fired += session.Evaluate(e).Count;
        }

        return fired;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    [BenchmarkCategory("Evaluate")]
    public int NRules()
    {
        var fired = 0;
        foreach (var e in events)
        {
            fired += nrules.Evaluate(e).Activations.Length;
        }

        return fired;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    [BenchmarkCategory("Evaluate")]
    public int NaiveLoop()
    {
        var fired = 0;
        foreach (var e in events)
        {
            fired += naive.Evaluate(e).Count;
        }

        return fired;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Compile")]
    public IRuleEngine CompileNetwork() => RuleNetwork.Build(flows);

    [Benchmark]
    [BenchmarkCategory("Compile")]
    public IRuleEngine CompileNRules() => NRulesEngine.Build(flows);

    /// <summary>Both sides must fire the same flows, or the comparison means nothing.</summary>
    private void AgreeWithTheNaiveLoop(string engine, Func<FactSnapshot, RuleEvaluationResult> evaluate)
    {
        foreach (var e in events)
        {
            var expected = string.Join(",", naive.Evaluate(e).Select(f => f.Id));
            var actual = string.Join(",", evaluate(e).Activations.Select(a => a.Flow.Id));
            if (expected != actual)
            {
                throw new InvalidOperationException($"{engine} and naive loop disagree on '{e.Event.Message!.Text}': [{actual}] vs [{expected}]");
            }
        }
    }
}
