using System.Text.Json;

namespace FlowAutomation.Cli.Tests;

public sealed class ScenarioCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowctl-scenarios-").FullName;

    public ScenarioCommandsTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "flows"));
        File.WriteAllText(Path.Combine(_dir, "flows", "hello.yaml"), """
            flow: hello
            on: message.received
            when: { message.text: { contains: hello } }
            then:
              - reply: "Hi {{contact.name}}!"
              - follow_up:
                  after: 1d
                  unless: customer_replied
                  then: [ { reply: "Still there?" } ]
            ---
            flow: other
            on: message.received
            when: { message.text: { contains: price } }
            then: [ { tag: price } ]
            """);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Scenario(string name, string expect, string events = "  - at: 0s\n    message.received: { text: hello }\n  - at: 25h\n    advance: true\n")
    {
        var path = Path.Combine(_dir, name + ".scenario.yaml");
        File.WriteAllText(path, $"scenario: {name}\nflows: flows\nstart: 2026-03-02T02:00:00Z\ncontact: {{ id: u-1, name: Ann }}\nevents:\n{events}expect:\n{expect}");
        return path;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await FlowCtl.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task DryRun_PassingScenario_PrintsTimelineAndExitsZero()
    {
        var path = Scenario("greets", "  sent:\n    - text: \"Hi Ann!\"\n    - text: \"Still there?\"\n");

        var (exit, output, _) = await RunAsync("dry-run", path);

        Assert.Equal(0, exit);
        Assert.Contains("+0s      message.received \"hello\"", output, StringComparison.Ordinal);
        Assert.Contains("→ sent \"Hi Ann!\" (message 1 of 10 in the window)", output, StringComparison.Ordinal);
        Assert.Contains("+24h     follow-up hello#1 of hello is due", output, StringComparison.Ordinal);
        Assert.EndsWith("expectations: all met\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_JsonFormat_WritesOneObjectPerLineEndingWithSummary()
    {
        var path = Scenario("json", "  sent_count: 2\n");

        var (exit, output, _) = await RunAsync("dry-run", path, "--format", "json");

        Assert.Equal(0, exit);
        var lines = output.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("event", lines[0].GetProperty("kind").GetString());
        var rule = lines.First(l => l.GetProperty("kind").GetString() == "rule");
        var condition = rule.GetProperty("conditions")[0];
        Assert.Equal(("message.text", "contains", "hello", true), (condition.GetProperty("path").GetString(), condition.GetProperty("operator").GetString(), condition.GetProperty("actual").GetString(), condition.GetProperty("result").GetBoolean()));
        Assert.Contains(lines, l => l.GetProperty("kind").GetString() == "action" && l.GetProperty("status").GetString() == "scheduled");
        Assert.Equal("summary", lines[^1].GetProperty("kind").GetString());
        Assert.Equal(2, lines[^1].GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task DryRun_ExplainFlow_AddsTheFlowThatDidNotFire()
    {
        var path = Scenario("explain", "  fired: [hello]\n");

        var (_, plain, _) = await RunAsync("dry-run", path);
        var (exit, explained, _) = await RunAsync("dry-run", path, "--explain", "other");

        Assert.Equal(0, exit);
        Assert.DoesNotContain("other", plain, StringComparison.Ordinal);
        Assert.Contains("✘ other did not fire", explained, StringComparison.Ordinal);
        Assert.Contains("✘ message.text contains price  (was hello)", explained, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_UnmetExpectation_ExitsOneAndSaysWhy()
    {
        var path = Scenario("wrong", "  sent:\n    - text: \"Hello Ann\"\n");

        var (exit, output, _) = await RunAsync("dry-run", path);

        Assert.Equal(1, exit);
        Assert.Contains("✘ message 1 should be text \"Hello Ann\", but was text \"Hi Ann!\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_ExpectationNamesUnknownFlow_IsADiagnostic()
    {
        var path = Scenario("typo", "  fired: [helo]\n");

        var (exit, _, err) = await RunAsync("dry-run", path);

        Assert.Equal(1, exit);
        Assert.Contains("(11,11): error FA3003: no flow 'helo' in the loaded flows; did you mean 'hello'?", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_Folder_PrintsOneLinePerScenarioAndTheTotals()
    {
        Scenario("a-passes", "  sent_count: 2\n");
        Scenario("b-fails", "  not_fired: [hello]\n");

        var (exit, output, _) = await RunAsync("test", _dir);

        Assert.Equal(1, exit);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.StartsWith("pass  ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("FAIL  ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("flow hello should not have fired, but did", lines[1], StringComparison.Ordinal);
        Assert.Equal("1 passed, 1 failed", lines[^1]);
    }

    /// <summary>The repository's root folder (where FlowAutomation.sln is).</summary>
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlowAutomation.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }

    /// <summary>The golden scenario case with one of each FA30xx mistake, and its expected diagnostics (tests/FlowAutomation.Tests/Golden).</summary>
    private static (string Scenario, string[] Expected, string ProjectDirectory) OneOfEachMistake()
    {
        var project = Path.Combine(RepoRoot(), "tests", "FlowAutomation.Tests");
        var golden = Path.Combine(project, "Golden", "700-scenarios");
        var expected = File.ReadAllText(Path.Combine(golden, "701-one-of-each-mistake.out.txt")).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        return (Path.Combine(golden, "701-one-of-each-mistake", "one-of-each.scenario.yaml"), expected, project.Replace('\\', '/') + "/");
    }

    [Fact]
    public async Task DryRun_ScenarioWithOneOfEachMistake_PrintsEveryDiagnosticInOneRun()
    {
        var (scenario, expected, project) = OneOfEachMistake();

        var (exit, output, err) = await RunAsync("dry-run", scenario);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Equal(expected, err.Replace(project, string.Empty, StringComparison.Ordinal).TrimEnd('\n').Split('\n'));
        Assert.Equal(Enumerable.Range(1, 8).Select(n => $"FA300{n}"), expected.Select(l => l.Split(' ')[2].TrimEnd(':')).Where(c => c.StartsWith("FA3", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task Test_ScenarioWithOneOfEachMistake_PrintsEveryDiagnosticUnderItsFailLine()
    {
        var (scenario, expected, project) = OneOfEachMistake();

        var (exit, output, _) = await RunAsync("test", scenario);

        Assert.Equal(1, exit);
        var lines = output.Replace(project, string.Empty, StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        Assert.StartsWith("FAIL  ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith($"  {expected.Length} errors in the scenario or its flows:", lines[0], StringComparison.Ordinal);
        Assert.Equal(expected, lines[1..^1]);
        Assert.Equal("0 passed, 1 failed", lines[^1]);
    }

    [Fact]
    public async Task DryRun_ExplainLeadWhoseBudgetIsNotANumber_SaysSo()
    {
        var scenario = Path.Combine(RepoRoot(), "samples", "leads", "budget-not-a-number.scenario.yaml");

        var (exit, text, _) = await RunAsync("dry-run", scenario, "--explain", "qualified-lead");
        var (_, json, _) = await RunAsync("dry-run", scenario, "--explain", "qualified-lead", "--format", "json");

        Assert.Equal(0, exit);
        Assert.Contains("✘ qualified-lead did not fire: the condition is false\n               ✘ lead.fields.budget gte 1000  ('about two grand' is not a number)\n", text, StringComparison.Ordinal);
        var rule = json.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).First(l => l.GetProperty("kind").GetString() == "rule");
        var condition = rule.GetProperty("conditions")[0];
        Assert.Equal(("qualified-lead", "about two grand", "'about two grand' is not a number", false), (rule.GetProperty("flow").GetString(), condition.GetProperty("actual").GetString(), condition.GetProperty("note").GetString(), condition.GetProperty("result").GetBoolean()));
    }

    [Fact]
    public async Task Test_AllPass_ExitsZero()
    {
        var path = Scenario("ok", "  sent_count: 2\n");

        var (exit, output, _) = await RunAsync("test", path);

        Assert.Equal(0, exit);
        Assert.EndsWith("1 passed, 0 failed\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_EngineNRules_PrintsTheNetworksTranscript()
    {
        var path = Scenario("engines", "  sent_count: 2\n");

        var (networkExit, network, _) = await RunAsync("dry-run", path, "--explain", "all");
        var (exit, nrules, _) = await RunAsync("dry-run", path, "--explain", "all", "--engine", "nrules");

        Assert.Equal(0, networkExit);
        Assert.Equal(0, exit);
        Assert.Contains("✘ other did not fire", nrules, StringComparison.Ordinal);
        Assert.Equal(network, nrules);
    }

    [Fact]
    public async Task Test_EngineNRules_RunsTheScenarios()
    {
        Scenario("a-passes", "  sent_count: 2\n");
        Scenario("b-fails", "  not_fired: [hello]\n");

        var (exit, output, _) = await RunAsync("test", _dir, "--engine", "nrules");

        Assert.Equal(1, exit);
        Assert.Equal((await RunAsync("test", _dir, "--engine", "network")).Out, output);
        Assert.EndsWith("1 passed, 1 failed\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_UnknownEngine_IsAUsageError()
    {
        var (exit, _, err) = await RunAsync("test", _dir, "--engine", "drools");

        Assert.Equal(2, exit);
        Assert.Contains("--engine must be one of network, nrules, not 'drools'", err, StringComparison.Ordinal);
    }
}
