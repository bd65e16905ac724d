using System.Net;
using System.Text.Json;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Tests.TestSupport;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// TikTok's <c>im_send_msg</c> from a person in the app (<c>message_tag.source</c> APP or WEB) uses the conversation's
/// quota (issue 9, item 4); our own API sends are counted once, when the guard allowed them.
/// </summary>
public sealed class AgentMessageServiceTests
{
    private static string Echo(string messageId, string source, string conversationId = "conv-1") => Payloads.TikTok("im_send_msg", JsonSerializer.Serialize(new
    {
        conversation_id = conversationId,
        message_id = messageId,
        timestamp = 1748855100000, // 2025-06-02T09:05:00Z
        type = "text",
        text = new { body = "Hi, Ana from the shop here" },
        from_user = new { id = "biz-1", role = "business_account" },
        to_user = new { id = "user-1", role = "personal_account" },
        message_tag = new { source },
    }));

    [Fact]
    public async Task ThreeAppMessagesFromAnAgent_AutomationSendsSevenOfItsTen()
    {
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flow.yaml"] = QuotaFlows.TenRepliesAfterAnHour });
        using var customer = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        await live.WaitForProcessedAsync(1);
        live.Host.Time.Advance(TimeSpan.FromMinutes(5));

        var echoes = new List<HttpStatusCode>();
        foreach (var (id, source) in new[] { ("tt-a1", "APP"), ("tt-a2", "WEB"), ("tt-a3", "APP"), ("tt-own", "API") })
        {
            using var response = await live.Host.PostTikTokAsync(Echo(id, source));
            echoes.Add(response.StatusCode);
        }
        await live.WaitForProcessedAsync(4); // the customer's message and the three agent messages
        var before = (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("state");
        live.Host.Time.Advance(TimeSpan.FromMinutes(55));
        await live.FireDueFollowUpsAsync();
        await live.WaitForMessagesAsync(7);
        var after = (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("state");
        var audit = await live.AdminAsync("/api/conversations/conv-1/audit?limit=5000");

        Assert.All(echoes, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(3, before.GetProperty("windowSends").GetInt32());
        Assert.Equal(10, after.GetProperty("windowSends").GetInt32());
        Assert.Equal(7, (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("outbox").GetArrayLength());
        Assert.Equal(3, audit.EnumerateArray().Count(e => e.GetProperty("reason").GetString() == "quota_exhausted"));
        Assert.Equal(3, audit.EnumerateArray().Count(e => e.GetProperty("name").GetString() == "agent.sent"));
        var status = await live.AdminAsync("/api/status");
        Assert.Equal(4, status.GetProperty("inbox").GetProperty("done").GetInt64());
        Assert.Equal(1, status.GetProperty("inbox").GetProperty("recorded").GetInt64()); // our own send's echo
    }

    [Fact]
    public async Task AgentMessageRedelivered_CountedOnce()
    {
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flow.yaml"] = QuotaFlows.TenRepliesAfterAnHour });
        using var customer = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        await live.WaitForProcessedAsync(1);

        using var first = await live.Host.PostTikTokAsync(Echo("tt-a1", "APP"));
        using var again = await live.Host.PostTikTokAsync(Echo("tt-a1", "APP"));
        await live.WaitForProcessedAsync(2);
        var state = (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("state");

        Assert.Equal(1, state.GetProperty("windowSends").GetInt32());
        Assert.Equal(1, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("duplicates").GetInt32());
    }
}
