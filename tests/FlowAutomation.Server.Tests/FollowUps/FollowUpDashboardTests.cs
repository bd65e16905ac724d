using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlowAutomation.Server.Tests.Support;
using Microsoft.AspNetCore.TestHost;

namespace FlowAutomation.Server.Tests.FollowUps;

/// <summary>Hangfire's dashboard at <c>/hangfire</c> opens with the admin key and only with it.</summary>
public sealed class FollowUpDashboardTests
{
    [Fact]
    public async Task Dashboard_NoKey_Unauthorized()
    {
        await using var host = await TestServerHost.StartAsync();

        using var response = await host.Client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_LocalRequestWithoutKey_Unauthorized()
    {
        // Hangfire's default filter lets every local request in; a reverse proxy on the same host makes all of them local.
        await using var host = await TestServerHost.StartAsync();

        var context = await host.App.GetTestServer().SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/hangfire";
            c.Connection.RemoteIpAddress = IPAddress.Loopback;
            c.Connection.LocalIpAddress = IPAddress.Loopback;
        });

        Assert.Equal((int)HttpStatusCode.Unauthorized, context.Response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_WrongKey_Unauthorized()
    {
        await using var host = await TestServerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Add("X-Api-Key", "not-the-key");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_KeyInHeader_ShowsTheDashboard()
    {
        await using var host = await TestServerHost.StartAsync();

        using var response = await host.GetAdminAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("FlowAutomation follow-ups", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_KeyAsBasicPassword_ShowsTheDashboard()
    {
        await using var host = await TestServerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:" + TestServerHost.AdminKey)));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_NoAdminKeyConfigured_Forbidden()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Admin:ApiKey"] = "" });

        using var response = await host.GetAdminAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
