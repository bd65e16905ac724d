using FlowAutomation.Runtime;
using FlowAutomation.Scenarios;
using FlowAutomation.Tests.TestSupport;

namespace FlowAutomation.Tests.Scenarios;

/// <summary>
/// <c>agent.sent</c>: a message a person sent from the TikTok app, in a dry run. It uses the window's quota like
/// the live service's <c>im_send_msg</c> echoes do, and is the scenario's input, not something the flows sent.
/// </summary>
public sealed class AgentSentScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agent-sent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Scenario(string events, string expect)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "flows"));
        File.WriteAllText(Path.Combine(_dir, "flows", "burst.yaml"), QuotaFlows.TenRepliesAfterAnHour);
        var path = Path.Combine(_dir, "s.scenario.yaml");
        File.WriteAllText(path, "scenario: agent\nflows: flows\nstart: 2026-03-02T02:00:00Z\nevents:\n" + events + "expect:\n" + expect);
        return path;
    }

    [Fact]
    public async Task RunFile_ThreeAgentMessages_FlowsSendSevenAndTheRestIsRefused()
    {
        var path = Scenario("""
              - at: 0s
                message.received: hi
              - at: 5m
                agent.sent: { text: "Hello, Ana here" }
              - at: 6m
                agent.sent: "Let me check"
              - at: 7m
                agent.sent: {}
              - at: 2h
                advance: true

            """, """
              sent_count: 7
              blocked: [ { reason: quota_exhausted, flow: burst } ]

            """);

        var result = await ScenarioRunner.RunFileAsync(path);

        Assert.Empty(result.Diagnostics);
        Assert.True(result.Passed, string.Join("; ", result.Run!.Failures));
        Assert.Equal(3, result.Run.Outcome.Blocked.Length);
        var agentLines = result.Run.Trace.OfType<EventTrace>().Where(e => e.Type == "agent.sent").Select(e => e.Description).ToList();
        Assert.Equal(
            ["agent.sent \"Hello, Ana here\" (message 1 of 10 in the window)", "agent.sent \"Let me check\" (message 2 of 10 in the window)", "agent.sent (message 3 of 10 in the window)"],
            agentLines);
    }

    [Fact]
    public async Task RunFile_AgentMessages_NotListedUnderSent()
    {
        var path = Scenario("""
              - at: 0s
                message.received: hi
              - at: 5m
                agent.sent: "Hello"

            """, """
              sent: []
              sent_count: 0

            """);

        var result = await ScenarioRunner.RunFileAsync(path);

        Assert.True(result.Passed, string.Join("; ", result.Run!.Failures));
    }

    [Fact]
    public async Task Load_AgentSentWithAnUnknownKey_DiagnosticAtTheKey()
    {
        var path = Scenario("""
              - at: 0s
                agent.sent: { txt: "Hello" }

            """, "  sent_count: 0\n");

        var result = await ScenarioRunner.RunFileAsync(path);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((6, 19), (diagnostic.Span.Start.Line, diagnostic.Span.Start.Column));
        Assert.Contains("txt", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("text", diagnostic.Message, StringComparison.Ordinal);
    }
}
