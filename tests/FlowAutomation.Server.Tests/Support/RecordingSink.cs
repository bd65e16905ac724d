using System.Collections.Concurrent;
using FlowAutomation.Server.Inbox;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>An inbound sink that keeps what it is given (each dedup key once, in memory), and can be told to refuse.</summary>
internal sealed class RecordingSink : IInboundSink
{
    private readonly ConcurrentQueue<InboundRecord> _records = new();
    private readonly ConcurrentDictionary<string, bool> _keys = new(StringComparer.Ordinal);

    public bool Refuse { get; set; }

    public IReadOnlyList<InboundRecord> Records => [.. _records];

    public ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken = default)
    {
        if (Refuse)
            throw new InvalidOperationException("sink is closed");
        var accepted = 0;
        foreach (var record in records)
        {
            if (!_keys.TryAdd(record.DedupKey, true))
                continue;
            _records.Enqueue(record);
            accepted++;
        }
        return ValueTask.FromResult(new InboundAcceptance(accepted, records.Count - accepted));
    }
}
