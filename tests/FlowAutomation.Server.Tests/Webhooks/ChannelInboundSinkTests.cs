using FlowAutomation.Model;
using FlowAutomation.Server.Webhooks;

namespace FlowAutomation.Server.Tests.Webhooks;

public sealed class ChannelInboundSinkTests
{
    private static InboundEnvelope Envelope(string id) => new()
    {
        Provider = WebhookProvider.Infobip,
        ProviderMessageId = id,
        DedupKey = "infobip:inbound:" + id,
        OccurredAt = DateTimeOffset.UnixEpoch,
        ReceivedAt = DateTimeOffset.UnixEpoch,
        ConversationId = "c",
        ContactId = "u",
        Event = FlowEvent.TextReceived(DateTimeOffset.UnixEpoch, "hi"),
    };

    [Fact]
    public async Task Accept_WhenFull_ThrowsSoTheProviderRetries()
    {
        var sink = new ChannelInboundSink(capacity: 2);
        await sink.AcceptAsync(Envelope("1"));
        await sink.AcceptAsync(Envelope("2"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sink.AcceptAsync(Envelope("3")).AsTask());

        Assert.True(sink.Reader.TryRead(out var first));
        Assert.Equal("1", first.ProviderMessageId);
        await sink.AcceptAsync(Envelope("3"));
        Assert.Equal(2, sink.Reader.Count);
    }
}
