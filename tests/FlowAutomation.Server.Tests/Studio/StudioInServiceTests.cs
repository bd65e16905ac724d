using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FlowAutomation.Server.Tests.Studio;

public sealed class StudioInServiceTests
{
    [Fact]
    public async Task StudioApi_InServe_NeedsTheAdminKeyInItsHeader()
    {
        await using var host = await TestServerHost.StartAsync();

        using var missing = await host.Client.GetAsync("/studio/api/files");
        using var withKey = await host.GetAdminAsync("/studio/api/files");
        var info = await host.Client.GetFromJsonAsync<JsonElement>("/studio/api/info");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (missing.StatusCode, withKey.StatusCode));
        Assert.Equal(("admin-key", "X-Api-Key"), (info.GetProperty("mode").GetString(), info.GetProperty("header").GetString()));
    }

    [Fact]
    public async Task Save_SetWithErrors_IsWrittenButTheRunningFlowsStay_ThenAFixLoads()
    {
        await using var host = await TestServerHost.StartAsync();
        var flows = host.App.Services.GetRequiredService<FlowHost>();
        using var read = await host.GetAdminAsync("/studio/api/file?path=tag.yaml");
        var version = (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString();

        var broken = await PutAsync(host, "flow: renamed\non: message.nowhere\nthen:\n  - tag: seen\n", version);
        var runningAfterBroken = flows.Current.Compilation.Flows.Single().Id;
        var fixedSave = await PutAsync(host, "flow: renamed\non: message.received\nthen:\n  - tag: seen\n", broken.GetProperty("version").GetString());

        Assert.True(broken.GetProperty("saved").GetBoolean());
        Assert.False(broken.GetProperty("reload").GetProperty("loaded").GetBoolean());
        Assert.NotEmpty(broken.GetProperty("reload").GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("tag-every-message", runningAfterBroken);
        Assert.True(fixedSave.GetProperty("reload").GetProperty("loaded").GetBoolean());
        Assert.Equal("renamed", flows.Current.Compilation.Flows.Single().Id);
    }

    private static async Task<JsonElement> PutAsync(TestServerHost host, string text, string? version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/studio/api/file") { Content = JsonContent.Create(new { path = "tag.yaml", text, baseVersion = version }) };
        request.Headers.Add("X-Api-Key", TestServerHost.AdminKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
