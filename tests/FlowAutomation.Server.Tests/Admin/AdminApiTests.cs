using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Admin;

public sealed class AdminApiTests
{
    [Fact]
    public async Task Api_NoKeyConfigured_RefusedAndSaysSo()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Admin:ApiKey"] = "" });

        using var response = await host.GetAdminAsync("/api/flows");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Admin:ApiKey", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_WrongOrMissingKey_401()
    {
        await using var host = await TestServerHost.StartAsync();
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/flows");
        wrong.Headers.Add("X-Api-Key", "not-the-key");

        using var missing = await host.Client.GetAsync("/api/flows");
        using var refused = await host.Client.SendAsync(wrong);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (missing.StatusCode, refused.StatusCode));
    }

    [Fact]
    public async Task Flows_ListsTheRunningFlows()
    {
        await using var host = await TestServerHost.StartAsync();

        using var response = await host.GetAdminAsync("/api/flows");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        var flow = Assert.Single(body.GetProperty("flows").EnumerateArray());
        Assert.Equal(("tag-every-message", "message.received"), (flow.GetProperty("id").GetString(), flow.GetProperty("trigger").GetString()));
        Assert.Empty(body.GetProperty("diagnostics").EnumerateArray());
    }

    [Fact]
    public async Task Validate_PostedFlowWithAnError_ReturnsItsDiagnostics()
    {
        await using var host = await TestServerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/flows/validate?path=mine.yaml")
        {
            Content = new StringContent("flow: broken\non: message.nowhere\nthen:\n  - tag: x\n", Encoding.UTF8, "application/yaml"),
        };
        request.Headers.Add("X-Api-Key", TestServerHost.AdminKey);

        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(body.GetProperty("valid").GetBoolean());
        var error = body.GetProperty("diagnostics").EnumerateArray().First(d => d.GetProperty("severity").GetString() == "error");
        Assert.Equal(("mine.yaml", 2), (error.GetProperty("path").GetString(), error.GetProperty("line").GetInt32()));
        Assert.StartsWith("FA", error.GetProperty("code").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  fired: [tag-every-message]\n", true)]
    [InlineData("  not_fired: [tag-every-message]\n", false)]
    public async Task Scenarios_PostedScenario_RunsOnTheRunningFlows(string expect, bool passes)
    {
        await using var host = await TestServerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/scenarios/run")
        {
            Content = new StringContent("scenario: posted\nstart: 2026-03-02T02:00:00Z\nevents:\n  - at: 0s\n    message.received: { text: hi }\nexpect:\n" + expect, Encoding.UTF8, "application/yaml"),
        };
        request.Headers.Add("X-Api-Key", TestServerHost.AdminKey);

        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(passes, body.GetProperty("passed").GetBoolean());
        Assert.Equal(passes ? 0 : 1, body.GetProperty("failures").GetArrayLength());
        Assert.Equal("summary", body.GetProperty("transcript").EnumerateArray().Last().GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Scenarios_BrokenScenario_422WithDiagnostics()
    {
        await using var host = await TestServerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/scenarios/run")
        {
            Content = new StringContent("scenario: posted\nstart: yesterday\nevents: []\n", Encoding.UTF8, "application/yaml"),
        };
        request.Headers.Add("X-Api-Key", TestServerHost.AdminKey);

        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("FA3004", body.GetProperty("diagnostics")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Reload_FilesWithErrors_KeepsTheRunningSet_ThenLoadsTheFixedOnes()
    {
        await using var host = await TestServerHost.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(host.FlowsDirectory, "tag.yaml"), "flow: renamed\non: message.nowhere\nthen:\n  - tag: x\n");

        using var refused = await PostReloadAsync(host);
        using var listedAfterRefusal = await host.GetAdminAsync("/api/flows");
        var afterRefusal = await listedAfterRefusal.Content.ReadFromJsonAsync<JsonElement>();
        await File.WriteAllTextAsync(Path.Combine(host.FlowsDirectory, "tag.yaml"), "flow: renamed\non: message.received\nthen:\n  - tag: x\n");
        using var loaded = await PostReloadAsync(host);
        using var listedAfterFix = await host.GetAdminAsync("/api/flows");
        var afterFix = await listedAfterFix.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("tag-every-message", Assert.Single(afterRefusal.GetProperty("flows").EnumerateArray()).GetProperty("id").GetString());
        Assert.NotEmpty(afterRefusal.GetProperty("refusedReload").GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        Assert.Equal("renamed", Assert.Single(afterFix.GetProperty("flows").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, afterFix.GetProperty("refusedReload").ValueKind);
    }

    private static async Task<HttpResponseMessage> PostReloadAsync(TestServerHost host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/flows/reload");
        request.Headers.Add("X-Api-Key", TestServerHost.AdminKey);
        return await host.Client.SendAsync(request);
    }
}
