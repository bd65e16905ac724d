using FlowAutomation.Runtime;
using FlowAutomation.Testing;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// Every action record names its node (the YAML path of the action in its flow), and every reply and customer event
/// carries the reply window's numbers, so that a timeline entry finds the YAML that produced it and shows the numbers
/// behind a decision (the studio, issue 14).
/// </summary>
public sealed class TraceNodeTests
{
    private const string Flows = """
        flow: greet
        on: message.received
        then:
          - tag: greeted
          - reply: "Hi!"
          - follow_up:
              after: 1h
              unless: customer_replied
              then:
                - tag: nudged
                - reply: "Still there?"
          - stop: true
        """;

    [Fact]
    public async Task Actions_InAFlowAndItsFollowUp_NameTheirYamlPaths()
    {
        var h = FlowTestHarness.FromYaml(Flows);
        await h.ReceiveAsync("hello");
        await h.AdvanceAsync(TimeSpan.FromHours(2));

        var nodes = h.Trace.Records.OfType<ActionTrace>().Select(a => (a.Action, a.StatusName, a.Node)).ToList();

        Assert.Equal(
            [
                ("tag", "done", "then/0"), ("reply", "sent", "then/1"), ("follow_up", "scheduled", "then/2"), ("stop", "done", "then/3"),
                ("follow_up", "done", "then/2"), ("tag", "done", "then/2/follow_up/then/0"), ("reply", "sent", "then/2/follow_up/then/1"),
            ],
            nodes);
    }

    [Fact]
    public async Task FollowUpCancelledByAReply_NamesTheFollowUpsNode()
    {
        var h = FlowTestHarness.FromYaml(Flows);
        await h.ReceiveAsync("hello");
        await h.AdvanceAsync(TimeSpan.FromMinutes(10));
        await h.ReceiveAsync("still here");

        var cancelled = h.Trace.Records.OfType<ActionTrace>().First(a => a.Status == ActionStatus.Cancelled);

        Assert.Equal(("greet", "then/2"), (cancelled.Flow, cancelled.Node));
    }

    [Fact]
    public async Task Replies_SentAndRefused_CarryTheWindowsNumbers()
    {
        // Two flows answer one message with 6 and 5 replies: the window allows 10, so the 11th is refused.
        var h = FlowTestHarness.FromYaml(string.Join('\n', [
            "flow: six", "priority: 2", "on: message.received", "then:", .. Enumerable.Range(1, 6).Select(i => $"  - reply: \"m{i}\""),
            "---", "flow: five", "priority: 1", "on: message.received", "then:", .. Enumerable.Range(7, 5).Select(i => $"  - reply: \"m{i}\"")]));
        var start = h.Clock.GetUtcNow();

        await h.ReceiveAsync("hello");

        var replies = h.Trace.Records.OfType<ActionTrace>().Where(a => a.Action == "reply").ToList();
        var received = h.Trace.Records.OfType<EventTrace>().First();
        Assert.Equal(new TraceWindow(start, start.AddHours(48), true, 0, 10), received.Window);
        Assert.Equal(new TraceWindow(start, start.AddHours(48), true, 1, 10), replies[0].Window);
        Assert.Equal(("text", 9), (replies[0].Content, replies[0].Window!.Left));
        Assert.Equal(("quota_exhausted", 10, 0), (replies[10].Reason, replies[10].Window!.Used, replies[10].Window!.Left));
    }

    [Fact]
    public async Task JsonLines_ActionRecord_HasNodeContentAndWindow()
    {
        var h = FlowTestHarness.FromYaml(Flows);
        await h.ReceiveAsync("hello");

        var reply = TranscriptWriter.ToJsonLines(h.Trace.Records).Split('\n').Single(l => l.Contains("\"action\":\"reply\"", StringComparison.Ordinal));

        Assert.Contains("\"node\":\"then/1\"", reply, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"text\"", reply, StringComparison.Ordinal);
        Assert.Contains("\"window\":{\"opens_at\":\"2026-03-02T02:00:00+00:00\",\"closes_at\":\"2026-03-04T02:00:00+00:00\",\"open\":true,\"used\":1,\"allowed\":10,\"left\":9}", reply, StringComparison.Ordinal);
    }

    [Fact]
    public void ActionPaths_FollowUpById_IsItsPath()
    {
        var flow = new FlowAutomation.Compilation.FlowCompiler().CompileTexts(("f.yaml", Flows)).Flows.Single();
        var followUp = (FlowAutomation.Model.FollowUpAction)flow.Then[2];

        var paths = new ActionPaths([flow]);

        Assert.Equal(("then/2", "then/2/follow_up/then/1"), (paths.OfFollowUp(followUp.Id), paths.Of(followUp.Then[1])));
    }
}
