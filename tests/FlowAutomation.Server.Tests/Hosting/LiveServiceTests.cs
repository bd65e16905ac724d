using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// The service end to end on a TestServer: signed webhook → inbox → flow → guard → outbox → the fake provider,
/// follow-ups on Hangfire (on the manual clock), on SQLite.
/// </summary>
public sealed class LiveServiceTests
{
    private const string EchoFlow = """
        flow: echo
        on: message.received
        then:
          - tag: talked
          - reply: { text: "Hi {{ contact.name ?? 'there' }}, you said: {{ message.text }}" }
        """;

    private const string NudgeFlow = """
        flow: nudge
        on: message.received
        once_per: conversation
        then:
          - reply: { text: "Thanks for writing!" }
          - follow_up:
              after: 1h
              unless: customer_replied
              then:
                - reply: { text: "Still there?" }
        """;

    private static Dictionary<string, string> Flows(string text) => new() { ["flow.yaml"] = text };

    private static JsonElement Message(ProviderRequest request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("messages")[0];

    [Fact]
    public async Task InboundMessage_FlowReplies_ProviderGetsTheRightBody()
    {
        await using var live = await LiveHarness.StartAsync(Flows(EchoFlow));

        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        await live.WaitForMessagesAsync(1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(live.Provider.Requests);
        Assert.Equal(("POST", "/tiktok/1/messages", "App live-key"), (request.Method, request.Path, request.Authorization));
        var message = Message(request);
        Assert.Equal("biz-1", message.GetProperty("sender").GetString());
        var destination = message.GetProperty("destinations")[0];
        Assert.Equal("user-1", destination.GetProperty("to").GetString());
        Assert.Equal("conv-1/ib-msg-1/1", destination.GetProperty("messageId").GetString());
        Assert.Equal("TEXT", message.GetProperty("content").GetProperty("type").GetString());
        Assert.Equal("Hi there, you said: How much is it?", message.GetProperty("content").GetProperty("text").GetString());
        var validity = message.GetProperty("options").GetProperty("validityPeriod");
        Assert.Equal("SECONDS", validity.GetProperty("timeUnit").GetString());
        Assert.InRange(validity.GetProperty("amount").GetInt64(), 1, 48 * 3600);
    }

    [Fact]
    public async Task InboundMessage_StateAndAuditTrail_ReadableThroughTheAdminApi()
    {
        await using var live = await LiveHarness.StartAsync(Flows(EchoFlow));

        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        await live.WaitForProcessedAsync(1);
        var conversation = await live.AdminAsync("/api/conversations/conv-1");
        var audit = await live.AdminAsync("/api/conversations/conv-1/audit");

        var state = conversation.GetProperty("state");
        Assert.Equal(1, state.GetProperty("inboundCount").GetInt32());
        Assert.Equal(1, state.GetProperty("windowSends").GetInt32());
        Assert.Equal(["talked"], state.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("conv-1/ib-msg-1/1", Assert.Single(conversation.GetProperty("outbox").EnumerateArray()).GetProperty("id").GetString());
        var kinds = audit.EnumerateArray().Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("name").GetString(), e.GetProperty("status").GetString())).ToList();
        Assert.Contains(("event", "message.received", null), kinds);
        Assert.Contains(("action", "reply", "sent"), kinds);
        Assert.Contains(("action", "tag", "done"), kinds);
    }

    [Fact]
    public async Task DuplicateWebhook_SendsNothingTwice()
    {
        await using var live = await LiveHarness.StartAsync(Flows(EchoFlow));

        using var first = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        using var duplicate = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        // A later message of the same conversation: its reply goes out after anything the duplicate could have caused.
        using var marker = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage("ib-msg-marker", "conv-1", "user-1", "marker"));
        await live.WaitForAsync(() => live.Provider.Requests.Any(r => r.Body.Contains("marker", StringComparison.Ordinal)), "the marker's reply");

        Assert.Equal(1, (await duplicate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32());
        Assert.Equal(["conv-1/ib-msg-1/1", "conv-1/ib-msg-marker/1"],
            live.Provider.Messages.Select(m => m.GetProperty("destinations")[0].GetProperty("messageId").GetString()));
    }

    [Fact]
    public async Task StatusProgress_ReplyNotYetSent_CountsTheEventAndTheQueuedReply()
    {
        // Nothing listens on port 1: the reply's send fails and waits for a retry the manual clock never reaches.
        await using var live = await LiveHarness.StartAsync(Flows(EchoFlow), new Dictionary<string, string?> { ["Infobip:BaseUrl"] = "http://127.0.0.1:1" });

        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        await live.WaitForProcessedAsync(1);
        var progress = await live.AdminAsync("/api/status/progress");
        var outbox = (await live.AdminAsync("/api/status")).GetProperty("outbox");

        Assert.Equal(1, progress.GetProperty("processedSinceStart").GetInt64());
        Assert.Equal(0, progress.GetProperty("failedSinceStart").GetInt64());
        Assert.Equal(1, progress.GetProperty("outboxQueued").GetInt64());
        Assert.Equal(1, outbox.EnumerateObject().Where(p => p.Name is "pending" or "inflight").Sum(p => p.Value.GetInt64()));
    }

    [Fact]
    public async Task BadSignature_Refused_NothingTaken()
    {
        await using var live = await LiveHarness.StartAsync(Flows(EchoFlow));

        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText, signature: Signatures.HmacHex("wrong-secret", Payloads.InfobipText));
        var status = await live.AdminAsync("/api/status");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("signature mismatch", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Empty(status.GetProperty("inbox").EnumerateObject());
        Assert.Equal(0, status.GetProperty("conversations").GetInt64());
    }

    [Fact]
    public async Task SixtyFourConcurrentMessages_OneConversation_NeverMoreSendsThanTheQuota()
    {
        await using var live = await LiveHarness.StartAsync(Flows(EchoFlow));
        using var opener = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage("open", "conv-q", "user-q", "hello", "2025-06-02T08:59:00.000+0000"));
        await live.WaitForProcessedAsync(1);

        // 64 late webhooks (written before the opener): they count, but do not reopen the window, so its 10 slots are shared.
        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage($"late-{i}", "conv-q", "user-q", $"late {i}", "2025-06-02T08:58:00.000+0000"))));
        await live.WaitForProcessedAsync(65);
        await live.WaitForMessagesAsync(10);
        var status = await live.AdminAsync("/api/status");
        var conversation = await live.AdminAsync("/api/conversations/conv-q");

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(65, conversation.GetProperty("state").GetProperty("inboundCount").GetInt32());
        Assert.Equal(10, conversation.GetProperty("state").GetProperty("windowSends").GetInt32());
        Assert.Equal(10, conversation.GetProperty("outbox").GetArrayLength());
        Assert.Equal(10, status.GetProperty("outbox").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(10, live.Provider.Messages.Select(m => m.GetProperty("destinations")[0].GetProperty("messageId").GetString()).Distinct().Count());
        var audit = await live.AdminAsync("/api/conversations/conv-q/audit?limit=5000");
        Assert.Equal(55, audit.EnumerateArray().Count(e => e.GetProperty("status").GetString() == "blocked" && e.GetProperty("reason").GetString() == "quota_exhausted"));
        foreach (var response in responses)
            response.Dispose();
    }

    [Fact]
    public async Task FollowUp_FallsDue_FiresAndIsSent()
    {
        await using var live = await LiveHarness.StartAsync(Flows(NudgeFlow));
        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        await live.WaitForMessagesAsync(1);
        await live.WaitForOutboxSettledAsync();
        var pending = (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("followUps");

        live.Host.Time.Advance(TimeSpan.FromMinutes(59));
        var early = await live.FireDueFollowUpsAsync();
        live.Host.Time.Advance(TimeSpan.FromMinutes(1));
        var due = await live.FireDueFollowUpsAsync();
        await live.WaitForMessagesAsync(2);

        Assert.Equal((0, 1, 1), (early, due, live.FollowUpsFinished));
        Assert.Equal("nudge#1", Assert.Single(pending.EnumerateArray()).GetProperty("followUp").GetString());
        Assert.Equal("Still there?", live.Provider.Messages[1].GetProperty("content").GetProperty("text").GetString());
        var status = await live.AdminAsync("/api/status");
        Assert.Equal(1, status.GetProperty("followUps").GetProperty("fired").GetInt64());
        Assert.Empty((await live.AdminAsync("/api/conversations/conv-1")).GetProperty("followUps").EnumerateArray());
    }

    [Fact]
    public async Task FollowUp_CustomerRepliesFirst_CancelledAndNeverSent()
    {
        await using var live = await LiveHarness.StartAsync(Flows(NudgeFlow));
        using var first = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        await live.WaitForProcessedAsync(1);
        await live.WaitForOutboxSettledAsync(); // sent before the clock moves on
        live.Host.Time.Advance(TimeSpan.FromMinutes(10));
        using var reply = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage("ib-msg-2", "conv-1", "user-1", "yes please", "2025-06-02T09:09:00.000+0000"));
        await live.WaitForProcessedAsync(2);

        live.Host.Time.Advance(TimeSpan.FromHours(2));
        var fired = await live.FireDueFollowUpsAsync();
        var status = await live.AdminAsync("/api/status");

        Assert.Equal(1, status.GetProperty("followUps").GetProperty("cancelled").GetInt64());
        Assert.False(status.GetProperty("followUps").TryGetProperty("scheduled", out _));
        Assert.Equal(0, fired);
        Assert.Single(live.Provider.Requests);
        var audit = await live.AdminAsync("/api/conversations/conv-1/audit");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("name").GetString() == "follow_up" && e.GetProperty("status").GetString() == "cancelled");
    }

    [Fact]
    public async Task LeadWebhook_RunsTheLeadFlowOnItsConversation()
    {
        const string leadFlow = """
            flow: lead-tag
            on: lead.submitted
            then:
              - tag: lead
              - set: { email: "{{lead.fields.email}}" }
            """;
        await using var live = await LiveHarness.StartAsync(Flows(leadFlow));

        using var response = await live.Host.PostLeadAsync(Payloads.Lead);
        await live.WaitForProcessedAsync(1);
        var state = (await live.AdminAsync("/api/conversations/tt-conv-1")).GetProperty("state");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["lead"], state.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("alice@example.com", state.GetProperty("fields").GetProperty("email").GetString());
        Assert.Equal("tt-user-1", state.GetProperty("contactId").GetString());
    }
}
