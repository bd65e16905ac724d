using System.Net;
using System.Text.Json;
using FlowAutomation.Server.Outbound;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// The edges together, with a stand-in for the runtime: a webhook comes in on the TestServer, the stand-in
/// enqueues a reply, and the hosted dispatcher sends it to the fake provider on loopback — on SQLite.
/// </summary>
public sealed class PipelineTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>What the runtime will do, minus flows and the guard: reply to every customer message.</summary>
    private sealed class ReplyingSink(IOutbox outbox, OutboxSignal signal, TimeProvider time) : IInboundSink
    {
        public async ValueTask AcceptAsync(InboundRecord record, CancellationToken cancellationToken = default)
        {
            if (record is not InboundEnvelope { Event.Message: { } message } envelope)
                return;
            var now = time.GetUtcNow();
            await outbox.EnqueueAsync(new OutboundMessage(
                "reply-" + envelope.ProviderMessageId, envelope.ConversationId, envelope.BusinessId, envelope.ContactId,
                new TextContent($"You said: {message.Text}", envelope.ProviderMessageId), now, now.AddHours(48)), cancellationToken);
            signal.Notify();
        }
    }

    private static async Task<OutboxEntry> WhenSentAsync(IOutbox outbox, string id)
    {
        while (true)
        {
            if (await outbox.FindAsync(id) is { Status: OutboxStatus.Sent } entry)
                return entry;
            await Task.Yield();
        }
    }

    [Fact]
    public async Task InboundMessage_ReachesTheProviderOnceEvenWhenDeliveredTwice()
    {
        await using var provider = await FakeInfobip.StartAsync();
        using var database = new TempDatabase();
        await using var host = await TestServerHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Sqlite",
                ["Storage:Database"] = database.ConnectionString,
                ["Infobip:BaseUrl"] = provider.BaseUrl,
                ["Infobip:ApiKey"] = "live-key",
            },
            services: s => s.Replace(ServiceDescriptor.Singleton<IInboundSink, ReplyingSink>()));
        var arrived = provider.RequestArrived;

        using var first = await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        using var duplicate = await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        await arrived.WaitAsync(Guard);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, duplicate.StatusCode));
        var request = Assert.Single(provider.Requests);
        Assert.Equal("App live-key", request.Authorization);
        var message = JsonDocument.Parse(request.Body).RootElement.GetProperty("messages")[0];
        Assert.Equal("biz-1", message.GetProperty("sender").GetString());
        Assert.Equal("user-1", message.GetProperty("destinations")[0].GetProperty("to").GetString());
        Assert.Equal("reply-ib-msg-1", message.GetProperty("destinations")[0].GetProperty("messageId").GetString());
        Assert.Equal("You said: How much is it?", message.GetProperty("content").GetProperty("text").GetString());
        Assert.Equal("ib-msg-1", message.GetProperty("content").GetProperty("replyToMessageId").GetString());

        var entry = await WhenSentAsync(host.App.Services.GetRequiredService<IOutbox>(), "reply-ib-msg-1").WaitAsync(Guard);
        Assert.Equal("prov-1", entry.ProviderMessageId);
        Assert.Single(provider.Requests);
    }
}
