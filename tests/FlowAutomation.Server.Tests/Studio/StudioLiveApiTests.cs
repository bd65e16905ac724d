using System.Net;
using System.Text.Json;
using FlowAutomation.Compilation;
using FlowAutomation.Scenarios;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Studio;

/// <summary>
/// The studio's view of the running service (/studio/api/live): counts per flow and node from the audit log, conversations
/// looked up, one conversation's path, and a recorded conversation as a scenario. The whole service runs (real inbox,
/// engine, SQLite), fed with signed webhooks.
/// </summary>
public sealed class StudioLiveApiTests
{
    /// <summary>Two flows answer a message with 6 and 5 replies: the window allows 10, so the 11th is refused; a follow-up waits.</summary>
    private const string Flows = """
        flow: catalogue
        priority: 20
        on: message.received
        when:
          message.text: { contains: catalogue }
        then:
          - reply: "Page 1"
          - reply: "Page 2"
          - reply: "Page 3"
          - reply: "Page 4"
          - reply: "Page 5"
          - reply: "Page 6"
        ---
        flow: arrivals
        priority: 10
        on: message.received
        when:
          message.text: { contains: arrivals }
        then:
          - tag: curious
          - reply: "New 1"
          - reply: "New 2"
          - reply: "New 3"
          - reply: "New 4"
          - follow_up:
              after: 1h
              unless: customer_replied
              then:
                - reply: "Did you find something?"
          - reply: "New 5"
        """;

    private static Task<LiveHarness> StartAsync() => LiveHarness.StartAsync(new Dictionary<string, string> { ["flows.yaml"] = Flows });

    private static async Task SendAsync(LiveHarness live, string id, string conversation, string user, string text, string at = "2025-06-02T09:00:00.000+0000")
    {
        using var response = await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage(id, conversation, user, text, at));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Counts_AfterSignedWebhooks_PerFlowAndNode_WithRefusalsByReason()
    {
        await using var live = await StartAsync();
        await SendAsync(live, "m-1", "conv-1", "user-1", "the catalogue and the new arrivals please");
        await SendAsync(live, "m-2", "conv-2", "user-2", "catalogue?");
        await live.WaitForProcessedAsync(2);

        var counts = await live.AdminAsync("/studio/api/live/counts?last=24h");

        Assert.Equal(2, counts.GetProperty("events").GetProperty("message.received").GetInt32());
        var flows = counts.GetProperty("flows").EnumerateArray().ToDictionary(f => f.GetProperty("flow").GetString()!);
        Assert.Equal((2, 2, 12, 0), Totals(flows["catalogue"]));
        Assert.Equal((2, 1, 4, 1), Totals(flows["arrivals"]));
        Assert.Equal(1, flows["arrivals"].GetProperty("refusedBy").GetProperty("quota_exhausted").GetInt32());
        var nodes = flows["arrivals"].GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!);
        Assert.Equal(["then/0", "then/1", "then/2", "then/3", "then/4", "then/5", "then/6"], nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, nodes["then/0"].GetProperty("statuses").GetProperty("done").GetInt32());
        Assert.Equal(1, nodes["then/5"].GetProperty("statuses").GetProperty("scheduled").GetInt32());
        Assert.Equal(1, nodes["then/6"].GetProperty("refused").GetProperty("quota_exhausted").GetInt32());
        Assert.Equal(2, flows["catalogue"].GetProperty("nodes").EnumerateArray().First().GetProperty("statuses").GetProperty("sent").GetInt32());
    }

    private static (int Reached, int Fired, int Sent, int Refused) Totals(JsonElement flow) =>
        (flow.GetProperty("reached").GetInt32(), flow.GetProperty("fired").GetInt32(), flow.GetProperty("sent").GetInt32(), flow.GetProperty("refused").GetInt32());

    [Fact]
    public async Task Counts_OverAPeriodBeforeTheEvents_AreZero_AndABadPeriodIs400()
    {
        await using var live = await StartAsync();
        await SendAsync(live, "m-1", "conv-1", "user-1", "catalogue");
        await live.WaitForProcessedAsync(1);

        var before = await live.AdminAsync("/studio/api/live/counts?from=2025-06-01T00:00:00Z&to=2025-06-02T08:00:00Z");
        using var bad = await live.Host.GetAdminAsync("/studio/api/live/counts?last=soon");
        using var backwards = await live.Host.GetAdminAsync("/studio/api/live/counts?from=2025-06-03T00:00:00Z&to=2025-06-02T00:00:00Z");

        Assert.Empty(before.GetProperty("events").EnumerateObject());
        Assert.All(before.GetProperty("flows").EnumerateArray(), f => Assert.Equal(0, f.GetProperty("fired").GetInt32()));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (bad.StatusCode, backwards.StatusCode));
    }

    [Fact]
    public async Task Conversations_LookedUpByIdOrContact_WildcardsTakenLiterally()
    {
        await using var live = await StartAsync();
        await SendAsync(live, "m-1", "conv-1", "user-1", "hello");
        await SendAsync(live, "m-2", "conv-2", "user-2", "hello");
        await live.WaitForProcessedAsync(2);

        static IEnumerable<string?> Ids(JsonElement found) => found.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("id").GetString());
        var all = await live.AdminAsync("/studio/api/live/conversations");
        var byContact = await live.AdminAsync("/studio/api/live/conversations?q=user-2");
        var byId = await live.AdminAsync("/studio/api/live/conversations?q=conv-1");
        var wildcard = await live.AdminAsync("/studio/api/live/conversations?q=%25");

        Assert.Equal(["conv-1", "conv-2"], Ids(all).Order());
        Assert.Equal(["conv-2"], Ids(byContact));
        Assert.Equal(["conv-1"], Ids(byId));
        Assert.Empty(Ids(wildcard));
    }

    [Fact]
    public async Task Conversation_Path_EventsFlowsDecisionsInOrder_AndItsPendingFollowUp()
    {
        await using var live = await StartAsync();
        await SendAsync(live, "m-1", "conv-1", "user-1", "catalogue and arrivals");
        await live.WaitForProcessedAsync(1);

        var path = await live.AdminAsync("/studio/api/live/conversation?id=conv-1");

        var entries = path.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(
            ["customer event", "flows rule catalogue fired", .. Enumerable.Repeat("business action catalogue sent", 6), "flows rule arrivals fired", "flows action arrivals done",
             .. Enumerable.Repeat("business action arrivals sent", 4), "flows action arrivals scheduled", "business action arrivals blocked"],
            entries.Select(e => string.Join(' ', new[] { e.GetProperty("lane").GetString(), e.GetProperty("kind").GetString(), e.GetProperty("flow").GetString(), e.GetProperty("status").GetString() }.Where(x => x is not null))));
        Assert.True(entries.Select(e => e.GetProperty("seq").GetInt64()).SequenceEqual(entries.Select(e => e.GetProperty("seq").GetInt64()).Order()));
        Assert.Equal(("quota_exhausted", 0), (entries[^1].GetProperty("reason").GetString(), entries[^1].GetProperty("window").GetProperty("left").GetInt32()));
        var pending = Assert.Single(path.GetProperty("pending").EnumerateArray());
        Assert.Equal(("arrivals", "then/5"), (pending.GetProperty("flow").GetString(), pending.GetProperty("node").GetString()));
        var conversation = path.GetProperty("conversation");
        Assert.Equal(("user-1", 10), (conversation.GetProperty("contactId").GetString(), conversation.GetProperty("window").GetProperty("used").GetInt32()));
    }

    [Fact]
    public async Task RecordedScenario_ReplaysTheConversation_OnTheSameFlows_AndPasses()
    {
        await using var live = await StartAsync();
        await SendAsync(live, "m-1", "conv-1", "user-1", "catalogue and arrivals");
        await live.WaitForProcessedAsync(1);
        await live.WaitForOutboxSettledAsync();
        live.Host.Time.Advance(TimeSpan.FromMinutes(5));
        await SendAsync(live, "m-2", "conv-1", "user-1", "and the \"new\" catalogue? 🌸", "2025-06-02T09:05:00.000+0000");
        await live.WaitForProcessedAsync(2);

        var recorded = await live.AdminAsync("/studio/api/live/scenario?id=conv-1");
        var text = recorded.GetProperty("text").GetString()!;
        var flows = new FlowCompiler().CompileTexts(("flows.yaml", Flows)).Flows;
        var replay = await ScenarioRunner.RunTextAsync("recorded.scenario.yaml", text, flows, Policy.PolicyProfile.TikTok);

        Assert.Contains("  - at: 5m\n    message.received: { text: \"and the \\\"new\\\" catalogue? 🌸\" }\n", text, StringComparison.Ordinal);
        Assert.Contains("  blocked:\n    - { reason: quota_exhausted }\n", text, StringComparison.Ordinal);
        Assert.Empty(replay.Diagnostics);
        Assert.True(replay.Passed, string.Join("; ", replay.Run!.Failures) + "\n" + text);
        Assert.Equal(16, replay.Run!.Outcome.Sent.Length);
        Assert.Equal(16, replay.Run.Verdicts.Count(v => v.Expectation.StartsWith("message ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task LiveCalls_NeedTheAdminKey_AndAnUnknownConversationIs404()
    {
        await using var live = await StartAsync();

        using var withoutKey = await live.Host.Client.GetAsync("/studio/api/live/counts");
        using var unknown = await live.Host.GetAdminAsync("/studio/api/live/conversation?id=nobody");
        using var noId = await live.Host.GetAdminAsync("/studio/api/live/conversation");
        using var noScenario = await live.Host.GetAdminAsync("/studio/api/live/scenario?id=nobody");
        var info = await live.AdminAsync("/studio/api/info");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.NotFound),
            (withoutKey.StatusCode, unknown.StatusCode, noId.StatusCode, noScenario.StatusCode));
        Assert.True(info.GetProperty("live").GetBoolean());
    }
}
