using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Benchmarks.Runtime;

/// <summary>
/// Events per second through the whole runtime (rule network, guard, state, outbox) with the in-memory store:
/// 10,000 customer messages over 1,000 conversations, against the shipped flows of flows/.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const int Events = 10_000;
    private const int Conversations = 1_000;
    private static readonly string[] Texts =
    [
        "How much is the serum?", "hello", "Where is my parcel?", "Do you sell wholesale?", "thanks!",
        "price for the toner please", "is shipping free?", "ok", "I need 100 pcs", "what are your hours",
    ];

    private ImmutableArray<FlowDefinition> _flows;
    private InboundEvent[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        _flows = new FlowCompiler().CompilePaths([Paths.Flows]).Flows;
        var start = new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
        _events = [.. Enumerable.Range(0, Events).Select(i => new InboundEvent(
            $"conv-{i % Conversations}", $"u-{i % Conversations}", FlowEvent.TextReceived(start, Texts[i % Texts.Length]), "Ann Lee", "SG"))];
    }

    /// <summary>One operation = 10,000 events; events per second = 10,000 / mean.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<int> HandleEvents()
    {
        var clock = new ManualTimeProvider(_events[0].Event.At);
        var outbox = new RecordingOutbox();
        var engine = new FlowEngine(_flows, new EngineStore(new InMemoryConversationStore(), outbox, new VirtualFollowUpScheduler(clock), NullTrace.Instance), clock);
        foreach (var e in _events)
        {
            await engine.HandleAsync(e);
        }

        return outbox.Messages.Count;
    }

    private sealed class NullTrace : ITraceSink
    {
        public static readonly NullTrace Instance = new();

        public void Write(TraceRecord record)
        {
        }
    }
}
