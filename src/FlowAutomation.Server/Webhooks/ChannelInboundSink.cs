using System.Threading.Channels;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// The stand-in sink until the runtime exists: a bounded in-memory channel that a consumer reads from
/// <see cref="Reader"/>. When it is full the record is refused (the webhook answers 503 and the provider retries)
/// rather than the request waiting. Records in the channel are lost if the process stops.
/// </summary>
internal sealed class ChannelInboundSink : IInboundSink
{
    private readonly Channel<InboundRecord> _channel;

    public ChannelInboundSink(int capacity)
    {
        _channel = Channel.CreateBounded<InboundRecord>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    public ChannelReader<InboundRecord> Reader => _channel.Reader;

    public ValueTask AcceptAsync(InboundRecord record, CancellationToken cancellationToken = default) =>
        _channel.Writer.TryWrite(record)
            ? ValueTask.CompletedTask
            : throw new InvalidOperationException("the inbound queue is full");
}
