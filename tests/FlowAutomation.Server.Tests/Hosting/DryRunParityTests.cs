using FlowAutomation.Scenarios;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// The dry run and the live service share the engine, the guard and the rule network; only the clock, the scheduler,
/// the store and the outbox differ. One conversation, played as a scenario and as signed webhooks into the running
/// service (SQLite, Hangfire, the dispatcher, a fake provider), must produce the same messages in the same order,
/// including the guard's refusals at the quota, inside a follow-up too.
/// </summary>
public sealed class DryRunParityTests : IDisposable
{
    private const string FlowsYaml = """
        flow: price
        priority: 10
        on: message.received
        when: { message.text: { contains_any: [price, "how much"] } }
        then:
          - tag: price-asked
          - reply: { text: "Here is the price list, {{ contact.name ?? 'friend' }}." }
          - reply: { image: "https://cdn.blossom.example/prices.png" }
          - follow_up:
              after: 1h
              unless: customer_replied
              then:
                - reply: { text: "Any questions about prices?" }
        ---
        flow: more
        priority: 5
        on: message.received
        when: { message.text: { contains: "how much" } }
        then: [ { reply: "Bundle A" }, { reply: "Bundle B" }, { reply: "Bundle C" }, { reply: "Bundle D" } ]
        ---
        flow: chatty
        on: message.received
        then: [ { reply: "one" }, { reply: "two" }, { reply: "three" }, { reply: "four" }, { reply: "five" } ]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("parity-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Scenario_DryRunAndLiveService_SendTheSameMessagesInTheSameOrder()
    {
        var dryRun = await DryRunAsync();
        var live = await LiveAsync();

        Assert.Equal(["quota_exhausted", "quota_exhausted"], dryRun.Blocked.Select(b => b.Reason));
        Assert.Equal(15, dryRun.Sent.Length);
        Assert.Equal(dryRun.Sent.Select(m => m.Text ?? m.ImageUrl), live);
    }

    private async Task<ScenarioOutcome> DryRunAsync()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "flows"));
        File.WriteAllText(Path.Combine(_dir, "flows", "flows.yaml"), FlowsYaml);
        var scenario = Path.Combine(_dir, "parity.scenario.yaml");
        File.WriteAllText(scenario, """
            scenario: parity
            flows: flows
            start: 2025-06-02T09:00:00Z
            contact: { id: user-1 }
            events:
              - at: 0s
                message.received: { text: "how much is the serum?" }
              - at: 61m
                advance: true
              - at: 2h
                message.received: { text: "thanks" }
            """);
        var result = await ScenarioRunner.RunFileAsync(scenario);
        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
        return result.Run!.Outcome;
    }

    private static async Task<List<string?>> LiveAsync()
    {
        // The dry run measures no image; the service, which would look at cdn.blossom.example, is told not to either.
        await using var live = await LiveHarness.StartAsync(new Dictionary<string, string> { ["flows.yaml"] = FlowsYaml }, new Dictionary<string, string?> { ["Images:Probe"] = "false" });
        using (await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage("m-1", "conv-1", "user-1", "how much is the serum?", "2025-06-02T09:00:00.000+0000")))
        {
            await live.WaitForProcessedAsync(1);
            await live.WaitForOutboxSettledAsync();
        }

        live.Host.Time.Advance(TimeSpan.FromMinutes(61));
        await live.FireDueFollowUpsAsync();
        await live.WaitForAsync(() => live.FollowUpsFinished >= 1, "the follow-up");
        await live.WaitForOutboxSettledAsync();

        live.Host.Time.Advance(TimeSpan.FromMinutes(59));
        using (await live.Host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipMessage("m-2", "conv-1", "user-1", "thanks", "2025-06-02T11:00:00.000+0000")))
        {
            await live.WaitForProcessedAsync(2);
            await live.WaitForOutboxSettledAsync();
        }

        return [.. live.Provider.Messages.Select(m =>
        {
            var content = m.GetProperty("content");
            return content.TryGetProperty("text", out var text) ? text.GetString() : content.GetProperty("mediaUrl").GetString();
        })];
    }
}
