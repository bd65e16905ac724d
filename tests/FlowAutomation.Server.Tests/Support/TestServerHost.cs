using System.Text;
using FlowAutomation.Server.Hosting;
using FlowAutomation.Server.Inbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// The real service in-process on a TestServer, with a manual clock, flows written to a folder of its own, and
/// either a recording sink in place of the inbox or (<c>realInbox</c>) the whole runtime.
/// </summary>
internal sealed class TestServerHost : IAsyncDisposable
{
    /// <summary>A flow that only tags: the runtime runs, nothing is sent.</summary>
    public const string TaggingFlow = """
        flow: tag-every-message
        on: message.received
        then:
          - tag: seen
        """;

    public const string InfobipSecret = "ib-secret";
    public const string TikTokSecret = "tt-secret";
    public const string LeadSecret = "lead-secret";

    private TestServerHost(WebApplication app, FakeTimeProvider time, RecordingSink? sink, string flowsDirectory)
    {
        App = app;
        Time = time;
        RecordingSink = sink;
        FlowsDirectory = flowsDirectory;
        Client = app.GetTestClient();
    }

    public string FlowsDirectory { get; }

    private RecordingSink? RecordingSink { get; }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public RecordingSink Sink => RecordingSink ?? throw new InvalidOperationException("this host runs the real inbox");

    public HttpClient Client { get; }

    public static async Task<TestServerHost> StartAsync(
        IDictionary<string, string?>? settings = null, RecordingSink? sink = null, FakeTimeProvider? time = null, Action<IServiceCollection>? services = null,
        bool realInbox = false, IReadOnlyDictionary<string, string>? flows = null)
    {
        var flowsDirectory = Path.Combine(Path.GetTempPath(), "flowautomation-server-tests", "flows-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(flowsDirectory);
        foreach (var (name, text) in flows ?? new Dictionary<string, string> { ["tag.yaml"] = TaggingFlow })
            await File.WriteAllTextAsync(Path.Combine(flowsDirectory, name), text);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "TemporaryFile",
            ["Flows:Directory"] = flowsDirectory,
            ["Flows:Watch"] = "false",
            ["Webhooks:Infobip:Secret"] = InfobipSecret,
            ["Webhooks:Infobip:SignatureHeader"] = "X-Infobip-Signature",
            ["Webhooks:TikTok:ClientSecret"] = TikTokSecret,
            ["Webhooks:Leads:Secret"] = LeadSecret,
            ["Infobip:BaseUrl"] = "",
            ["Infobip:ApiKey"] = "",
            ["Admin:ApiKey"] = AdminKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);

        time ??= TestClock.Create();
        if (!realInbox)
            sink ??= new RecordingSink();
        builder.Services.AddSingleton<TimeProvider>(time);
        if (sink is not null)
            builder.Services.AddSingleton<IInboundSink>(sink);
        services?.Invoke(builder.Services);
        builder.Services.AddFlowAutomationServer(builder.Configuration);

        var app = builder.Build();
        app.MapFlowAutomationServer();
        await app.StartAsync();
        return new TestServerHost(app, time, sink, flowsDirectory);
    }

    public const string AdminKey = "admin-key";

    public async Task<HttpResponseMessage> GetAdminAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", AdminKey);
        return await Client.SendAsync(request);
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

    /// <summary>Posts raw bytes (which need not be valid UTF-8), signed as the endpoint at <paramref name="path"/> expects.</summary>
    public async Task<HttpResponseMessage> PostSignedBytesAsync(string path, byte[] body)
    {
        var (header, value) = path switch
        {
            "/webhooks/tiktok" => ("Tiktok-Signature", Signatures.TikTokHeader(TikTokSecret, body, Time.GetUtcNow())),
            "/webhooks/leads" => ("X-Lead-Signature", Signatures.HmacHex(LeadSecret, body)),
            _ => ("X-Infobip-Signature", Signatures.HmacHex(InfobipSecret, body)),
        };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(header, value);
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(FlowsDirectory, recursive: true);
    }
}
