using FlowAutomation.Scenarios;

namespace FlowAutomation.Tests.Scenarios;

/// <summary>Each expectation of a scenario gets a verdict, pointing at where it is written; the failures are the failed verdicts' sentences.</summary>
public sealed class ExpectationVerdictTests
{
    private const string Flows = """
        flow: hello
        on: message.received
        then:
          - tag: greeted
          - reply: "Hi Ann"
          - reply: "How can we help?"
        """;

    private static async Task<ScenarioRun> RunAsync(string expect)
    {
        var flows = new FlowAutomation.Compilation.FlowCompiler().CompileTexts(("f.yaml", Flows)).Flows;
        var text = "scenario: s\nstart: 2026-03-02T02:00:00Z\nevents:\n  - at: 0s\n    message.received: hi\nexpect:\n" + expect;
        var result = await ScenarioRunner.RunTextAsync("s.scenario.yaml", text, flows, FlowAutomation.Policy.PolicyProfile.TikTok);
        Assert.Empty(result.Diagnostics);
        return result.Run!;
    }

    [Fact]
    public async Task Verdicts_EachExpectation_PassedOrFailed_InTheOrderWritten()
    {
        var run = await RunAsync("""
              sent:
                - text: "Hi Ann"
                - text_contains: "anything"
              sent_count: 2
              tags: [greeted, vip]
              fired: [hello]
            """);

        Assert.Equal(
            [
                ("message 1: text \"Hi Ann\"", true),
                ("message 2: text containing \"anything\"", false),
                ("no message after message 2", true),
                ("2 message(s) sent", true),
                ("the contact holds the tag 'greeted'", true),
                ("the contact holds the tag 'vip'", false),
                ("flow hello fired", true),
            ],
            run.Verdicts.Select(v => (v.Expectation, v.Passed)));
        Assert.Equal(
            "message 2 should be text containing \"anything\", but was text \"How can we help?\"\nthe contact should hold the tag 'vip', but holds greeted",
            string.Join("\n", run.Failures));
    }

    [Fact]
    public async Task Verdicts_PointAtTheLinesTheyAreWrittenOn()
    {
        var run = await RunAsync("  sent_count: 3\n  tags: [greeted]\n  not_fired: [hello]\n");

        Assert.Equal([(7, false), (8, true), (9, false)], run.Verdicts.Select(v => (v.Span!.Value.Start.Line, v.Passed)));
    }

    [Fact]
    public async Task Verdicts_FewerMessagesThanExpected_EachMissingOneFails()
    {
        var run = await RunAsync("  sent:\n    - text: \"Hi Ann\"\n    - text: \"How can we help?\"\n    - text: \"Bye\"\n    - text: \"Really bye\"\n");

        Assert.Equal([true, true, false, false, true], run.Verdicts.Select(v => v.Passed));
        Assert.Equal("message 3 should be text \"Bye\", but only 2 message(s) were sent", run.Failures[0]);
    }
}
