using Dapper;
using FlowAutomation.Server.Hosting;
using FlowAutomation.Server.Images;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowAutomation.Server.Tests.Hosting;

/// <summary>
/// What the service's log shows: with no provider configured, one line at start saying so and each reply it would
/// send; one line per event handled, flow fired, message sent and message refused (with its reason code); and
/// HttpClient's request logging only from warnings up, and none for the sends to Infobip.
/// </summary>
public sealed class ServiceLogTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NoProvider_InboundMessage_TheReplyAndEachStepAreLoggedOnce()
    {
        using var refused = new RefusedPort();
        var unreachable = refused.Url("/price-list.png");
        var flow = $$$"""
            flow: echo
            on: message.received
            then:
              - reply: { text: "Hi {{ contact.name ?? 'there' }}!\nHow can we help?" }
              - reply: { image: "{{{unreachable}}}" }
            """;
        var logs = new CapturingLoggerProvider(LogLevel.Information);
        await using var host = await TestServerHost.StartAsync(realInbox: true, flows: new Dictionary<string, string> { ["echo.yaml"] = flow },
            services: s => s.AddSingleton<ILoggerProvider>(logs));

        using var response = await host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
        // The dispatcher may send before the inbox logs the event as handled (both follow the commit): wait for both.
        await logs.WaitForAsync(lines => lines.Any(l => l.Contains("Sent message", StringComparison.Ordinal)) && lines.Any(l => l.Contains("Handled message.received", StringComparison.Ordinal)),
            "the reply to be sent and the event to be handled", Guard);

        string Once(string text) => Assert.Single(logs.Lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.StartsWith("Warning ", Once("No messaging provider is configured (Infobip:BaseUrl and Infobip:ApiKey are empty): each reply is written to this log instead of being sent"), StringComparison.Ordinal);
        Once("No provider configured: would send to user-1 (conversation conv-1, message conv-1/ib-msg-1/1): \"Hi there!⏎How can we help?\"");
        Once("Sent message conv-1/ib-msg-1/1 to user-1 (conversation conv-1)");
        Once("Flow echo fired on message.received in conversation conv-1");
        Once($"Refused (image_url_invalid) a reply of flow echo in conversation conv-1: blocked image {unreachable}: refused (image_url_invalid): the image at '{unreachable}' could not be fetched: cannot connect");
        Once("Handled message.received ib-msg-1 of conversation conv-1: 1 flows fired (echo), 1 replies allowed, 1 refused");
        await using var connection = await host.App.Services.GetRequiredService<SqliteDatabase>().OpenAsync();
        Assert.Equal("Sent", await connection.ExecuteScalarAsync<string>("SELECT status FROM outbox WHERE id = 'conv-1/ib-msg-1/1'"));
    }

    [Fact]
    public async Task ShippedSettings_HttpClientRequests_LoggedFromWarningsOnly()
    {
        await using var app = ServerHost.CreateBuilder([]).Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        var http = loggers.CreateLogger("System.Net.Http.HttpClient.infobip.LogicalHandler");
        var ours = loggers.CreateLogger(typeof(InboxProcessor).FullName!);

        Assert.Equal((false, true), (http.IsEnabled(LogLevel.Information), http.IsEnabled(LogLevel.Warning)));
        Assert.True(ours.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task HttpClientLoggingAtTrace_InfobipSend_NoRequestLinesWhereImageClientsLogThem()
    {
        await using var provider = await FakeInfobip.StartAsync();
        var logs = new CapturingLoggerProvider(LogLevel.Trace);
        var builder = ServerHost.CreateBuilder(["--Logging:LogLevel:System.Net.Http.HttpClient=Trace"]);
        builder.Services.AddSingleton<ILoggerProvider>(logs);
        await using var app = builder.Build();
        var clients = app.Services.GetRequiredService<IHttpClientFactory>();

        using (await clients.CreateClient(InfobipOptions.HttpClientName).GetAsync(provider.BaseUrl + "/tiktok/1/messages"))
        using (await clients.CreateClient(ImageOptions.HttpClientName).GetAsync(provider.BaseUrl + "/price.png"))
        {
        }

        Assert.DoesNotContain(logs.Lines, l => l.Contains("System.Net.Http.HttpClient." + InfobipOptions.HttpClientName, StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("System.Net.Http.HttpClient." + ImageOptions.HttpClientName, StringComparison.Ordinal));
    }
}
