using System.Text;
using FlowAutomation.Server.Hosting;
using FlowAutomation.Server.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>The real service in-process on a TestServer, with a manual clock and a recording sink.</summary>
internal sealed class TestServerHost : IAsyncDisposable
{
    public const string InfobipSecret = "ib-secret";
    public const string TikTokSecret = "tt-secret";
    public const string LeadSecret = "lead-secret";

    private TestServerHost(WebApplication app, ManualTimeProvider time, RecordingSink sink)
    {
        App = app;
        Time = time;
        Sink = sink;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public ManualTimeProvider Time { get; }

    public RecordingSink Sink { get; }

    public HttpClient Client { get; }

    public static async Task<TestServerHost> StartAsync(
        IDictionary<string, string?>? settings = null, RecordingSink? sink = null, ManualTimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "InMemory",
            ["Webhooks:Infobip:Secret"] = InfobipSecret,
            ["Webhooks:Infobip:SignatureHeader"] = "X-Infobip-Signature",
            ["Webhooks:TikTok:ClientSecret"] = TikTokSecret,
            ["Webhooks:Leads:Secret"] = LeadSecret,
            ["Infobip:BaseUrl"] = "",
            ["Infobip:ApiKey"] = "",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);

        time ??= new ManualTimeProvider();
        sink ??= new RecordingSink();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IInboundSink>(sink);
        services?.Invoke(builder.Services);
        builder.Services.AddFlowAutomationServer(builder.Configuration);

        var app = builder.Build();
        app.MapFlowAutomationServer();
        await app.StartAsync();
        return new TestServerHost(app, time, sink);
    }

    public Task<HttpResponseMessage> PostInfobipAsync(string path, string body, string? signature = null) =>
        PostAsync(path, body, "X-Infobip-Signature", signature ?? Signatures.HmacHex(InfobipSecret, body));

    public Task<HttpResponseMessage> PostTikTokAsync(string body, string? signature = null) =>
        PostAsync("/webhooks/tiktok", body, "Tiktok-Signature", signature ?? Signatures.TikTokHeader(TikTokSecret, body, Time.GetUtcNow()));

    public Task<HttpResponseMessage> PostLeadAsync(string body, string? signature = null) =>
        PostAsync("/webhooks/leads", body, "X-Lead-Signature", signature ?? Signatures.HmacHex(LeadSecret, body));

    public async Task<HttpResponseMessage> PostAsync(string path, string body, string? header = null, string? value = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (header is not null && value is not null)
            request.Headers.TryAddWithoutValidation(header, value);
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
