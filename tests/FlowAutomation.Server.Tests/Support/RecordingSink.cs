using System.Collections.Concurrent;
using FlowAutomation.Server.Webhooks;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>An inbound sink that keeps what it is given, and can be told to refuse.</summary>
internal sealed class RecordingSink : IInboundSink
{
    private readonly ConcurrentQueue<InboundRecord> _records = new();

    public bool Refuse { get; set; }

    public IReadOnlyList<InboundRecord> Records => [.. _records];

    public ValueTask AcceptAsync(InboundRecord record, CancellationToken cancellationToken = default)
    {
        if (Refuse)
            throw new InvalidOperationException("sink is closed");
        _records.Enqueue(record);
        return ValueTask.CompletedTask;
    }
}
