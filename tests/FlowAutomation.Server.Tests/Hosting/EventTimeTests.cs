using System.Net;
using System.Text.Json;
using Dapper;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// A provider's time later than the moment we received the event is not trusted (issue 9, item 3): every window and
/// quota decision uses the event's time bounded by the receive time plus <c>Webhooks:EventTimeTolerance</c>, and
/// both times are kept, in the inbox and in the audit trail.
/// </summary>
public sealed class EventTimeTests
{
    private const string Flows = """
        flow: ad-thanks
        on: referral.received
        then:
          - reply: "Thanks for tapping our ad!"
        """;

    private static string InfobipReferral(string messageId, string receivedAt) => JsonSerializer.Serialize(new
    {
        results = new[]
        {
            new { sender = "user-1", to = "biz-1", receivedAt, messageId, message = new { type = "REFERRAL_AD", conversationId = "conv-1", adId = "ad-9" } },
        },
    });

    [Fact]
    public async Task MessageDatedThreeDaysAhead_WindowCountsFromTheReceiveTime_NoReplyAfterItCloses()
    {
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flow.yaml"] = Flows });
        var received = live.Host.Time.GetUtcNow();
        using var future = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok",
            Payloads.InfobipMessage("ib-future", "conv-1", "user-1", "hello", "2025-06-05T09:00:00.000+0000"));
        await live.WaitForProcessedAsync(1);
        var state = (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("state");

        // 49 hours later (the real window closed an hour ago) the customer arrives from an ad: no reply may go out.
        live.Host.Time.Advance(TimeSpan.FromHours(49));
        using var referral = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", InfobipReferral("ib-ref", "2025-06-04T10:00:00.000+0000"));
        await live.WaitForProcessedAsync(2);
        var audit = await live.AdminAsync("/api/conversations/conv-1/audit");
        var outbox = (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("outbox");

        Assert.Equal(HttpStatusCode.OK, future.StatusCode);
        var tolerance = TimeSpan.FromSeconds(30);
        Assert.Equal(received + tolerance, state.GetProperty("lastInboundAt").GetDateTimeOffset());
        Assert.Equal(received + tolerance + TimeSpan.FromHours(48), state.GetProperty("windowEnd").GetDateTimeOffset());
        Assert.Empty(outbox.EnumerateArray());
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("status").GetString() == "blocked" && e.GetProperty("reason").GetString() == "window_expired");
    }

    [Fact]
    public async Task MessageDatedAhead_BothTimesRecordedInTheInboxAndTheAudit()
    {
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flow.yaml"] = Flows });
        var received = live.Host.Time.GetUtcNow();
        var providerAt = new DateTimeOffset(2025, 6, 5, 9, 0, 0, TimeSpan.Zero);

        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok",
            Payloads.InfobipMessage("ib-future", "conv-1", "user-1", "hello", "2025-06-05T09:00:00.000+0000"));
        await live.WaitForProcessedAsync(1);
        var audit = await live.AdminAsync("/api/conversations/conv-1/audit");
        string payload;
        await using (var connection = await live.Database.OpenAsync())
            payload = await connection.ExecuteScalarAsync<string>("SELECT payload FROM inbox WHERE dedup_key = 'infobip:inbound:ib-future'") ?? "";

        var stored = JsonDocument.Parse(payload).RootElement;
        Assert.Equal(providerAt, stored.GetProperty("ProviderAt").GetDateTimeOffset());
        Assert.Equal(received, stored.GetProperty("ReceivedAt").GetDateTimeOffset());
        Assert.Equal(received + TimeSpan.FromSeconds(30), stored.GetProperty("Event").GetProperty("At").GetDateTimeOffset());
        var record = audit.EnumerateArray().First(e => e.GetProperty("kind").GetString() == "event").GetProperty("record");
        Assert.Equal(providerAt, record.GetProperty("providerAt").GetDateTimeOffset());
        Assert.Equal(received, record.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Contains("the provider dated it 2025-06-05 09:00:00Z", record.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageDatedInThePast_ProviderTimeKept()
    {
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flow.yaml"] = Flows });

        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText); // 08:59:30, received 09:00
        await live.WaitForProcessedAsync(1);
        var state = (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("state");

        Assert.Equal(new DateTimeOffset(2025, 6, 2, 8, 59, 30, TimeSpan.Zero), state.GetProperty("lastInboundAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ToleranceSetting_Zero_EventTimeBoundedByTheReceiveTimeItself()
    {
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flow.yaml"] = Flows },
            new Dictionary<string, string?> { ["Webhooks:EventTimeTolerance"] = "00:00:00" });
        var received = live.Host.Time.GetUtcNow();

        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok",
            Payloads.InfobipMessage("ib-skewed", "conv-1", "user-1", "hello", "2025-06-02T09:00:10.000+0000"));
        await live.WaitForProcessedAsync(1);
        var state = (await live.AdminAsync("/api/conversations/conv-1")).GetProperty("state");

        Assert.Equal(received, state.GetProperty("lastInboundAt").GetDateTimeOffset());
    }
}
