using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FlowAutomation.Server.Tests.Studio;

/// <summary>The studio's scenario calls: the scenario folders and their confinement, saving, runs against the page's texts, the schema.</summary>
public sealed class StudioScenarioApiTests
{
    private const string Replies = "flow: hello\non: message.received\nthen:\n  - tag: greeted\n  - reply: \"Hi there\"\n";

    private const string Scenario = """
        scenario: hello
        flows: .
        start: 2026-03-02T02:00:00Z
        events:
          - at: 0s
            message.received: { text: "hi" }
        expect:
          sent:
            - text: "Hi there"
          tags: [greeted]

        """;

    private static async Task<JsonElement> RunAsync(StudioSite site, object body)
    {
        using var response = await site.Client.PostAsJsonAsync("/studio/api/scenarios/run", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Scenarios_ListEachFoldersScenarioFiles_AndFlowFilesLeaveThemOut()
    {
        await using var site = await StudioSite.StartAsync(
            new Dictionary<string, string> { ["hello.yaml"] = Replies, ["hello.scenario.yaml"] = Scenario },
            new Dictionary<string, string> { ["shop/a.scenario.yaml"] = Scenario, ["shop/b.scenario.yml"] = Scenario, ["shop/flow.yaml"] = Replies, ["notes.txt"] = "x" });
        await site.SignInAsync();

        var scenarios = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/scenarios");
        var files = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/files");

        Assert.Equal(
            ["flows: hello.scenario.yaml", "samples: shop/a.scenario.yaml, shop/b.scenario.yml"],
            scenarios.GetProperty("roots").EnumerateArray().Select(r => $"{r.GetProperty("name").GetString()}: {string.Join(", ", r.GetProperty("files").EnumerateArray().Select(f => f.GetString()))}"));
        Assert.Equal(["hello.yaml"], files.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
    }

    [Theory]
    [InlineData("samples", "../outside.scenario.yaml")]
    [InlineData("samples", "shop/../../outside.scenario.yaml")]
    [InlineData("samples", "/tmp/outside.scenario.yaml")]
    [InlineData("samples", "..\\outside.scenario.yaml")]
    [InlineData("samples", "shop/flow.yaml")]
    [InlineData("flows", "../outside.scenario.yaml")]
    [InlineData("elsewhere", "a.scenario.yaml")]
    public async Task Scenario_PathOutsideItsFolder_RefusedForReadAndWrite(string root, string path)
    {
        await using var site = await StudioSite.StartAsync(samples: new Dictionary<string, string> { ["shop/flow.yaml"] = Replies });
        await site.SignInAsync();
        var outside = Path.Combine(site.Root, "outside.scenario.yaml");
        await File.WriteAllTextAsync(outside, "scenario: secret\n");

        using var read = await site.Client.GetAsync($"/studio/api/scenario?root={root}&path={Uri.EscapeDataString(path)}");
        using var write = await site.Client.PutAsJsonAsync("/studio/api/scenario", new { root, path, text = "scenario: overwritten\n", baseVersion = (string?)null });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (read.StatusCode, write.StatusCode));
        Assert.DoesNotContain("secret", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("scenario: secret\n", await File.ReadAllTextAsync(outside));
        Assert.Equal(Replies, await File.ReadAllTextAsync(Path.Combine(site.Samples, "shop", "flow.yaml")));
    }

    [Fact]
    public async Task Scenario_SymbolicLinkLeadingOut_Refused_AndOneInside_Allowed()
    {
        await using var site = await StudioSite.StartAsync(samples: new Dictionary<string, string> { ["in.scenario.yaml"] = Scenario });
        await site.SignInAsync();
        var outside = Path.Combine(site.Root, "outside.scenario.yaml");
        await File.WriteAllTextAsync(outside, "scenario: secret\n");
        File.CreateSymbolicLink(Path.Combine(site.Samples, "out.scenario.yaml"), outside);
        File.CreateSymbolicLink(Path.Combine(site.Samples, "alias.scenario.yaml"), Path.Combine(site.Samples, "in.scenario.yaml"));

        using var escaped = await site.Client.GetAsync("/studio/api/scenario?root=samples&path=out.scenario.yaml");
        using var alias = await site.Client.GetAsync("/studio/api/scenario?root=samples&path=alias.scenario.yaml");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.OK), (escaped.StatusCode, alias.StatusCode));
        Assert.Contains("symbolic link", await escaped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario_SaveAtTheVersionRead_Writes_AndAChangeOnDiskIsAConflict()
    {
        await using var site = await StudioSite.StartAsync(samples: new Dictionary<string, string> { ["a.scenario.yaml"] = Scenario });
        await site.SignInAsync();
        var read = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/scenario?root=samples&path=a.scenario.yaml");
        var version = read.GetProperty("version").GetString();

        using var saved = await site.Client.PutAsJsonAsync("/studio/api/scenario", new { root = "samples", path = "a.scenario.yaml", text = "scenario: mine\n", baseVersion = version });
        using var stale = await site.Client.PutAsJsonAsync("/studio/api/scenario", new { root = "samples", path = "a.scenario.yaml", text = "scenario: again\n", baseVersion = version });
        using var created = await site.Client.PutAsJsonAsync("/studio/api/scenario", new { root = "flows", path = "new.scenario.yaml", text = "scenario: new\n", baseVersion = (string?)null });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.OK), (saved.StatusCode, stale.StatusCode, created.StatusCode));
        Assert.Equal("scenario: mine\n", await File.ReadAllTextAsync(Path.Combine(site.Samples, "a.scenario.yaml")));
        Assert.Equal("scenario: new\n", await File.ReadAllTextAsync(Path.Combine(site.Folder, "new.scenario.yaml")));
        Assert.Equal(Scenario, read.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Run_TheTimeline_NamesFlowsNodesWindowsAndTheScenariosLines_WithEachVerdict()
    {
        await using var site = await StudioSite.StartAsync(new Dictionary<string, string> { ["hello.yaml"] = Replies });
        await site.SignInAsync();

        var run = await RunAsync(site, new { name = "flows/hello.scenario.yaml", text = Scenario, flows = Array.Empty<object>() });

        Assert.True(run.GetProperty("ran").GetBoolean());
        Assert.True(run.GetProperty("passed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("note").ValueKind);
        var entries = run.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["customer/event/", "flows/rule/trigger", "flows/action/then/0", "business/action/then/1"],
            entries.Select(e => $"{e.GetProperty("lane").GetString()}/{e.GetProperty("kind").GetString()}/{e.GetProperty("node").GetString()}"));
        Assert.Equal(6, entries[0].GetProperty("source").GetProperty("line").GetInt32());
        var reply = entries[3];
        Assert.Equal(("hello", "sent", "Hi there", 1, 10, 9), (reply.GetProperty("flow").GetString(), reply.GetProperty("status").GetString(), reply.GetProperty("message").GetString(),
            reply.GetProperty("window").GetProperty("used").GetInt32(), reply.GetProperty("window").GetProperty("allowed").GetInt32(), reply.GetProperty("window").GetProperty("left").GetInt32()));
        Assert.Equal("2026-03-04T02:00:00+00:00", reply.GetProperty("window").GetProperty("closesAt").GetString());
        Assert.Equal([("message 1: text \"Hi there\"", true, 9), ("no message after message 1", true, 8), ("the contact holds the tag 'greeted'", true, 10)],
            run.GetProperty("expectations").EnumerateArray().Select(v => (v.GetProperty("expectation").GetString(), v.GetProperty("passed").GetBoolean(), v.GetProperty("source").GetProperty("line").GetInt32())));
        Assert.Equal([("hello", "hello.yaml")], run.GetProperty("flows").EnumerateArray().Select(f => (f.GetProperty("id").GetString(), f.GetProperty("path").GetString())));
    }

    [Fact]
    public async Task Run_WithTheFlowsUnsavedText_UsesIt_AndLeavesTheFileAlone()
    {
        await using var site = await StudioSite.StartAsync(new Dictionary<string, string> { ["hello.yaml"] = Replies });
        await site.SignInAsync();
        var edited = Replies.Replace("Hi there", "Hello!", StringComparison.Ordinal);

        var run = await RunAsync(site, new { name = "flows/hello.scenario.yaml", text = Scenario, flows = new[] { new { path = "hello.yaml", text = edited } } });

        Assert.False(run.GetProperty("passed").GetBoolean());
        var sent = run.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("status").GetString() == "sent");
        Assert.Equal("Hello!", sent.GetProperty("message").GetString());
        var failed = run.GetProperty("expectations").EnumerateArray().Single(v => !v.GetProperty("passed").GetBoolean());
        Assert.Equal("message 1 should be text \"Hi there\", but was text \"Hello!\"", failed.GetProperty("failure").GetString());
        Assert.Equal(Replies, await File.ReadAllTextAsync(Path.Combine(site.Folder, "hello.yaml")));
    }

    [Fact]
    public async Task Run_FlowsWithErrors_NotRun_WithTheirCount()
    {
        await using var site = await StudioSite.StartAsync(new Dictionary<string, string> { ["hello.yaml"] = Replies });
        await site.SignInAsync();

        var run = await RunAsync(site, new { name = "flows/s.scenario.yaml", text = Scenario, flows = new[] { new { path = "hello.yaml", text = "flow: hello\non: message.recieved\nthen:\n  - stop: true\n" } } });

        Assert.False(run.GetProperty("ran").GetBoolean());
        Assert.Equal(1, run.GetProperty("flowErrors").GetInt32());
        Assert.Empty(run.GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task Run_ScenarioWithAMistake_DiagnosticAtItsLine()
    {
        await using var site = await StudioSite.StartAsync(new Dictionary<string, string> { ["hello.yaml"] = Replies });
        await site.SignInAsync();

        var run = await RunAsync(site, new { name = "flows/s.scenario.yaml", text = Scenario.Replace("message.received:", "message.recieved:", StringComparison.Ordinal), flows = Array.Empty<object>() });

        Assert.False(run.GetProperty("ran").GetBoolean());
        var d = Assert.Single(run.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(("flows/s.scenario.yaml", 6, "error"), (d.GetProperty("path").GetString(), d.GetProperty("line").GetInt32(), d.GetProperty("severity").GetString()));
        Assert.Contains("message.received", d.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ScenarioNamingAnotherFlowsFolder_SaysWhichFlowsRan()
    {
        await using var site = await StudioSite.StartAsync(new Dictionary<string, string> { ["hello.yaml"] = Replies }, new Dictionary<string, string> { ["s.scenario.yaml"] = Scenario });
        await site.SignInAsync();

        var elsewhere = await RunAsync(site, new { name = "samples/s.scenario.yaml", text = Scenario, flows = Array.Empty<object>() });
        var here = await RunAsync(site, new { name = "samples/s.scenario.yaml", text = Scenario.Replace("flows: .", "flows: ../flows", StringComparison.Ordinal), flows = Array.Empty<object>() });

        Assert.Contains("runs it against the flows being edited in 'flows/'", elsewhere.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, here.GetProperty("note").ValueKind);
        Assert.True(elsewhere.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Run_FlowTextForAPathOutsideTheFolder_Refused()
    {
        await using var site = await StudioSite.StartAsync();
        await site.SignInAsync();

        using var response = await site.Client.PostAsJsonAsync("/studio/api/scenarios/run", new { name = "s", text = Scenario, flows = new[] { new { path = "../outside.yaml", text = Replies } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SchemaScenario_IsTheGeneratedSchema_AndLiveCallsAreOnlyInTheService()
    {
        await using var site = await StudioSite.StartAsync();
        await site.SignInAsync();

        var schema = await site.Client.GetStringAsync("/studio/api/schema/scenario");
        using var live = await site.Client.GetAsync("/studio/api/live/counts");
        var info = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/info");

        Assert.Equal(Scenarios.ScenarioSchemaGenerator.Generate(), schema);
        Assert.Equal(HttpStatusCode.NotFound, live.StatusCode);
        Assert.False(info.GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task ScenarioCalls_WithoutTheToken_401()
    {
        await using var site = await StudioSite.StartAsync();

        using var list = await site.Client.GetAsync("/studio/api/scenarios");
        using var run = await site.Client.PostAsJsonAsync("/studio/api/scenarios/run", new { name = "s", text = Scenario });

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (list.StatusCode, run.StatusCode));
    }
}
