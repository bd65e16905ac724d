using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FlowAutomation.Model;
using FlowAutomation.Rules;

namespace FlowAutomation.Benchmarks.Rules;

/// <summary>
/// Issue 3's benchmark: N flows of "trigger + keyword any-of (3 of 500 words) + country equals (1 of 10)", random
/// 8-word messages; the rule network (one warm session) against the naive loop. Each operation is one event
/// (<see cref="EventCount"/> events per invocation), so Mean is the time per event and Allocated the bytes per event.
/// Run: dotnet run -c Release --project tests/FlowAutomation.Benchmarks -- --filter '*RuleNetworkBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 5)]
[Config(typeof(EventsPerSecondConfig))]
public class RuleNetworkBenchmarks
{
    private const int EventCount = 1024;

    private FactSnapshot[] events = [];
    private RuleSession session = null!;
    private NaiveLoop naive = null!;

    [Params(10, 100, 1_000, 10_000)]
    public int Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20260302);
        var vocabulary = KeywordFlowSet.Vocabulary(500, random);
        var flows = KeywordFlowSet.Compile(KeywordFlowSet.Yaml(Flows, vocabulary, random));
        events = KeywordFlowSet.Events(EventCount, vocabulary, random);
        session = RuleNetwork.Build(flows).CreateSession();
        naive = new NaiveLoop(flows);

        // Both sides must fire the same flows, or the comparison means nothing.
        foreach (var e in events)
        {
            var expected = string.Join(",", naive.Evaluate(e).Select(f => f.Id));
            var actual = string.Join(",", session.Evaluate(e).ToResult().Activations.Select(a => a.Flow.Id));
            if (expected != actual)
            {
                throw new InvalidOperationException($"network and naive loop disagree on '{e.Event.Message!.Text}': [{actual}] vs [{expected}]");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
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
    public int NaiveLoop()
    {
        var fired = 0;
        foreach (var e in events)
        {
            fired += naive.Evaluate(e).Count;
        }

        return fired;
    }

    private sealed class EventsPerSecondConfig : ManualConfig
    {
        public EventsPerSecondConfig() => AddColumn(new EventsPerSecondColumn());
    }

    /// <summary>Events per second: one second over the mean time of one operation (one event).</summary>
    private sealed class EventsPerSecondColumn : IColumn
    {
        public string Id => nameof(EventsPerSecondColumn);

        public string ColumnName => "Events/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Events evaluated per second on one thread (1 s / Mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics?.Mean is > 0 and var mean ? (1e9 / mean).ToString("N0", CultureInfo.InvariantCulture) : "-";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
