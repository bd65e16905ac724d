using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlowAutomation.Model;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Webhooks;

public sealed class WebhookEndpointTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(HttpResponseMessage response)
    {
        using (response)
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task InfobipTikTok_SignedMessage_AcknowledgedAndHandedToSink()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, body) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("duplicates").GetInt32());
        var envelope = Assert.IsType<InboundEnvelope>(Assert.Single(host.Sink.Records));
        Assert.Equal("How much is it?", envelope.Event.Message!.Text);
    }

    [Fact]
    public async Task InfobipTikTok_SameMessageDeliveredTwice_HandedOverOnce()
    {
        await using var host = await TestServerHost.StartAsync();

        var (firstStatus, first) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));
        var (secondStatus, second) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (firstStatus, secondStatus));
        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        Assert.Equal(0, second.GetProperty("accepted").GetInt32());
        Assert.Equal(1, second.GetProperty("duplicates").GetInt32());
        Assert.Single(host.Sink.Records);
    }

    [Fact]
    public async Task InfobipTikTok_BadSignature_401AndChangesNothing()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, body) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText, Signatures.HmacHex("wrong", Payloads.InfobipText)));
        var (retryStatus, retry) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("signature mismatch", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, retryStatus);
        Assert.Equal(1, retry.GetProperty("accepted").GetInt32()); // the refused request reserved no dedup key
        Assert.Single(host.Sink.Records);
    }

    [Fact]
    public async Task InfobipTikTok_Unsigned_401NamingTheHeader()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, body) = await ReadAsync(await host.PostAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("missing signature header 'X-Infobip-Signature'", body.GetProperty("error").GetString());
        Assert.Empty(host.Sink.Records);
    }

    [Fact]
    public async Task InfobipTikTok_Malformed_400WithReason()
    {
        await using var host = await TestServerHost.StartAsync();
        const string json = """{"results":[{"messageId":"m","message":{"type":"TEXT","conversationId":"c","text":"x"}}]}""";

        var (status, body) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", json));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("missing results[0].sender", body.GetProperty("error").GetString());
        Assert.Empty(host.Sink.Records);
    }

    [Fact]
    public async Task InfobipTikTok_BodyOverTheLimit_413()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:MaxBodyBytes"] = "64" });

        var (status, body) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("body too large", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task InfobipTikTok_ConfiguredSha512AndHeader_Verified()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Webhooks:Infobip:Algorithm"] = "HMAC_SHA_512",
            ["Webhooks:Infobip:SignatureHeader"] = "X-Custom-Signature",
        });
        var signature = Signatures.HmacHex(TestServerHost.InfobipSecret, Payloads.InfobipImage, "SHA512");

        var (status, _) = await ReadAsync(await host.PostAsync("/webhooks/infobip/tiktok", Payloads.InfobipImage, "X-Custom-Signature", signature));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(host.Sink.Records);
    }

    [Fact]
    public async Task InfobipReports_DeliveryAndSeen_HandedToSink()
    {
        await using var host = await TestServerHost.StartAsync();

        var (deliveryStatus, _) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/reports", Payloads.InfobipDeliveryReport));
        var (seenStatus, _) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/reports", Payloads.InfobipSeenReport));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (deliveryStatus, seenStatus));
        Assert.Collection(host.Sink.Records, r => Assert.IsType<DeliveryReport>(r), r => Assert.IsType<SeenReport>(r));
    }

    [Fact]
    public async Task TikTok_SignedMessage_HandedToSink()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, _) = await ReadAsync(await host.PostTikTokAsync(Payloads.TikTok("im_receive_msg", Payloads.TikTokTextContent)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("tt-user-1", Assert.IsType<InboundEnvelope>(Assert.Single(host.Sink.Records)).ContactId);
    }

    [Fact]
    public async Task TikTok_StaleTimestamp_401()
    {
        await using var host = await TestServerHost.StartAsync();
        var body = Payloads.TikTok("im_receive_msg", Payloads.TikTokTextContent);
        var signature = Signatures.TikTokHeader(TestServerHost.TikTokSecret, body, host.Time.GetUtcNow().AddMinutes(-6));

        var (status, error) = await ReadAsync(await host.PostTikTokAsync(body, signature));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("timestamp outside tolerance", error.GetProperty("error").GetString());
        Assert.Empty(host.Sink.Records);
    }

    [Fact]
    public async Task TikTok_ConfiguredTolerance_Applies()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:TikTok:Tolerance"] = "00:00:05" });
        var body = Payloads.TikTok("im_receive_msg", Payloads.TikTokTextContent);
        var signature = Signatures.TikTokHeader(TestServerHost.TikTokSecret, body, host.Time.GetUtcNow().AddSeconds(-6));

        var (status, _) = await ReadAsync(await host.PostTikTokAsync(body, signature));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task TikTok_EchoAndEu_RecordedButNoFlowEvent()
    {
        await using var host = await TestServerHost.StartAsync();

        await ReadAsync(await host.PostTikTokAsync(Payloads.TikTok("im_send_msg", Payloads.TikTokEchoContent)));
        await ReadAsync(await host.PostTikTokAsync(Payloads.TikTok("im_receive_msg_eu", Payloads.TikTokEuContent)));

        Assert.Collection(host.Sink.Records, r => Assert.IsType<BusinessEcho>(r), r => Assert.IsType<UnanswerableMessage>(r));
        Assert.DoesNotContain(host.Sink.Records, r => r is InboundEnvelope);
    }

    [Fact]
    public async Task Leads_SignedLead_HandedToSinkAsLeadSubmitted()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, _) = await ReadAsync(await host.PostLeadAsync(Payloads.Lead));
        var (duplicateStatus, duplicate) = await ReadAsync(await host.PostLeadAsync(Payloads.Lead));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, duplicateStatus));
        Assert.Equal(1, duplicate.GetProperty("duplicates").GetInt32());
        Assert.Equal(EventKind.LeadSubmitted, Assert.IsType<InboundEnvelope>(Assert.Single(host.Sink.Records)).Event.Kind);
    }

    [Fact]
    public async Task Leads_NoSecretConfigured_401UnlessUnsignedAllowed()
    {
        await using var refusing = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:Leads:Secret"] = "" });
        await using var allowing = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:Leads:Secret"] = "", ["Webhooks:Leads:AllowUnsigned"] = "true" });

        var (refusedStatus, refused) = await ReadAsync(await refusing.PostAsync("/webhooks/leads", Payloads.Lead));
        var (allowedStatus, _) = await ReadAsync(await allowing.PostAsync("/webhooks/leads", Payloads.Lead));

        Assert.Equal(HttpStatusCode.Unauthorized, refusedStatus);
        Assert.Equal("signature verification is not configured", refused.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, allowedStatus);
    }

    [Fact]
    public async Task Webhook_SinkRefuses_503WithAGenericReasonAndTheRetryIsProcessed()
    {
        var sink = new RecordingSink { Refuse = true };
        await using var host = await TestServerHost.StartAsync(sink: sink);

        var (status, error) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));
        sink.Refuse = false;
        var (retryStatus, retry) = await ReadAsync(await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("could not take the records now; retry later", error.GetProperty("error").GetString()); // the sink's own words are logged, not answered
        Assert.Equal(HttpStatusCode.OK, retryStatus);
        Assert.Equal(1, retry.GetProperty("accepted").GetInt32());
        Assert.Single(sink.Records);
    }

    [Fact]
    public async Task Webhook_ConcurrentDuplicates_HandedOverExactlyOnce()
    {
        await using var host = await TestServerHost.StartAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(host.Sink.Records);
        foreach (var response in responses)
            response.Dispose();
    }
}
