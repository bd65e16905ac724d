using FlowAutomation.Scenarios;

namespace FlowAutomation.Tests.Scenarios;

public sealed class ScenarioRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scenario-runner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Events = "events:\n  - at: 0s\n    message.received: { text: hi }\n";

    [Fact]
    public async Task RunFile_BadPolicyOverride_ReportsFA3005AtTheKey()
    {
        Write("flows/a.yaml", "flow: a\non: message.received\nthen: [ { reply: hi } ]\n");
        var path = Write("s.scenario.yaml", "scenario: s\nflows: flows\nstart: 2026-03-02T02:00:00Z\npolicy: { messages_per_windw: 5 }\n" + Events);

        var result = await ScenarioRunner.RunFileAsync(path);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("FA3005", 4, 11), (diagnostic.Code, diagnostic.Span.Start.Line, diagnostic.Span.Start.Column));
        Assert.Contains("messages_per_window", diagnostic.Message, StringComparison.Ordinal);
        Assert.Null(result.Run);
    }

    [Fact]
    public async Task RunFile_FlowsWithErrors_ReportsTheirDiagnosticsAndFA3008()
    {
        Write("flows/a.yaml", "flow: a\non: message.recieved\nthen: [ { reply: hi } ]\n");
        var path = Write("s.scenario.yaml", "scenario: s\nflows: flows\nstart: 2026-03-02T02:00:00Z\n" + Events);

        var result = await ScenarioRunner.RunFileAsync(path);

        Assert.Equal(["FA1101", "FA3008"], result.Diagnostics.Select(d => d.Code).Order());
        Assert.False(result.Passed);
    }

    [Fact]
    public async Task RunFile_EventOutOfOrderAndUnknownFlow_ReportsBothInOneRun()
    {
        Write("flows/a.yaml", "flow: a\non: message.received\nthen: [ { reply: hi } ]\n");
        var path = Write("s.scenario.yaml", "scenario: s\nflows: flows\nstart: 2026-03-02T02:00:00Z\nevents:\n  - at: 2h\n    message.received: hi\n  - at: 1h\n    message.received: again\nexpect:\n  fired: [b]\n");

        var result = await ScenarioRunner.RunFileAsync(path);

        Assert.Equal([("FA3002", 8, 5), ("FA3003", 10, 11)], result.Diagnostics.Select(d => (d.Code, d.Span.Start.Line, d.Span.Start.Column)));
        Assert.Null(result.Run);
    }

    [Fact]
    public async Task RunFile_NoFlowsAndBadPolicy_ReportsBoth()
    {
        var path = Write("s.scenario.yaml", "scenario: s\nstart: 2026-03-02T02:00:00Z\npolicy: { messages_per_windw: 5 }\n" + Events);

        var result = await ScenarioRunner.RunFileAsync(path);

        Assert.Equal(["FA1002", "FA3005"], result.Diagnostics.Select(d => d.Code).Order());
    }

    [Fact]
    public async Task RunFile_ExpectationNamesAFlowWithErrors_IsNotASecondMistake()
    {
        Write("flows/a.yaml", "flow: a\non: message.recieved\nthen: [ { reply: hi } ]\n");
        var path = Write("s.scenario.yaml", "scenario: s\nflows: flows\nstart: 2026-03-02T02:00:00Z\n" + Events + "expect:\n  fired: [a]\n");

        var result = await ScenarioRunner.RunFileAsync(path);

        Assert.Equal([("FA1101", 2), ("FA3008", 2)], result.Diagnostics.Select(d => (d.Code, d.Span.Start.Line)));
    }

    [Fact]
    public async Task RunFile_NoFlowsAnywhere_AsksForThem()
    {
        var path = Write("s.scenario.yaml", "scenario: s\nstart: 2026-03-02T02:00:00Z\n" + Events);

        var result = await ScenarioRunner.RunFileAsync(path);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("FA1002", diagnostic.Code);
        Assert.Contains("--flows", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunFile_FlowsOverride_TakesPrecedenceOverTheScenarios()
    {
        Write("flows/a.yaml", "flow: a\non: message.received\nthen: [ { reply: from-a } ]\n");
        Write("other/b.yaml", "flow: b\non: message.received\nthen: [ { reply: from-b } ]\n");
        var path = Write("s.scenario.yaml", "scenario: s\nflows: flows\nstart: 2026-03-02T02:00:00Z\n" + Events + "expect:\n  sent: [ { text: from-b } ]\n");

        var result = await ScenarioRunner.RunFileAsync(path, new ScenarioRunOptions { FlowsOverride = Path.Combine(_dir, "other") });

        Assert.True(result.Passed);
    }

    [Fact]
    public async Task RunFile_FollowUpDueAfterTheLastEvent_DoesNotRun()
    {
        Write("flows/a.yaml", "flow: a\non: message.received\nthen:\n  - reply: now\n  - follow_up: { after: 1h, then: [ { reply: later } ] }\n");
        var path = Write("s.scenario.yaml", "scenario: s\nflows: flows\nstart: 2026-03-02T02:00:00Z\n" + Events + "expect:\n  sent: [ { text: now } ]\n");

        var result = await ScenarioRunner.RunFileAsync(path);

        Assert.True(result.Passed);
        Assert.Equal(1, result.Run!.Trace.OfType<FlowAutomation.Runtime.SummaryTrace>().Single().FollowUpsPending);
    }
}
