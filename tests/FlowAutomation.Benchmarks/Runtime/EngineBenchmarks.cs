using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Benchmarks.Rules;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Benchmarks.Runtime;

/// <summary>
/// Events per second through the whole runtime (rule network, guard, state, outbox) with the in-memory store, against
/// the shipped flows of flows/: customer messages over 1,000 conversations, a minute apart, on one engine built once.
/// The engine, its store and the events are built outside the timed method; the clock moves forward with every event,
/// so windows open and close, quotas fill, and <c>once_per</c> flows fire again in a new window, as in production.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventsPerSecondConfig))]
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
    private ManualTimeProvider _clock = null!;
    private CountingOutbox _outbox = null!;
    private FlowEngine _engine = null!;
    private DateTimeOffset _next;

    [GlobalSetup]
    public void Setup()
    {
        _flows = new FlowCompiler().CompilePaths([Paths.Flows]).Flows;
        if (_flows.Length == 0)
        {
            throw new InvalidOperationException("no flows in " + Paths.Flows);
        }

        _next = new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
        _clock = new ManualTimeProvider(_next);
        _outbox = new CountingOutbox();
        _engine = new FlowEngine(_flows, new EngineStore(new InMemoryConversationStore(), _outbox, new VirtualFollowUpScheduler(_clock), NullTrace.Instance), _clock);
    }

    /// <summary>The next 10,000 events, each a minute after the one before, continuing where the last invocation stopped.</summary>
    [IterationSetup]
    public void NextEvents()
    {
        var start = _next;
        _events = [.. Enumerable.Range(0, Events).Select(i => new InboundEvent(
            $"conv-{i % Conversations}", $"u-{i % Conversations}", FlowEvent.TextReceived(start + TimeSpan.FromMinutes(i + 1), Texts[(i + (i / Conversations)) % Texts.Length]), "Ann Lee", "SG"))];
        _next = start + TimeSpan.FromMinutes(Events);
    }

    /// <summary>One operation = one event (10,000 per invocation); the engine keeps its conversations across invocations.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<int> HandleEvents()
    {
        var before = _outbox.Count;
        foreach (var e in _events)
        {
            _clock.SetUtcNow(e.Event.At);
            await _engine.HandleAsync(e);
        }

        return _outbox.Count - before;
    }

    /// <summary>Counts the messages instead of keeping them, so that the outbox does not grow with the run.</summary>
    private sealed class CountingOutbox : IMessageOutbox
    {
        public int Count { get; private set; }

        public ValueTask EnqueueAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            Count++;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class NullTrace : ITraceSink
    {
        public static readonly NullTrace Instance = new();

        public bool KeepsRecords => false;

        public void Write(TraceRecord record)
        {
        }
    }
}
