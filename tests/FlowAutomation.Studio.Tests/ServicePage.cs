using System.Security.Cryptography;
using System.Text;
using FlowAutomation.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace FlowAutomation.Studio.Tests;

/// <summary>
/// The service as flowctl serve runs it (Kestrel on 127.0.0.1, a throwaway SQLite database, the real inbox, engine and
/// audit log) over a copy of a flows folder, and one browser page signed in to its studio with the admin key.
/// Webhooks are signed as Infobip signs them.
/// </summary>
internal sealed class ServicePage : IAsyncDisposable
{
    public const string AdminKey = "studio-admin-key";
    private const string Secret = "studio-webhook-secret";

    private readonly WebApplication _app;
    private readonly IBrowserContext _context;
    private readonly HttpClient _client;
    private readonly string _root;

    private ServicePage(WebApplication app, string root, IBrowserContext context, IPage page)
    {
        _app = app;
        _root = root;
        _context = context;
        Page = page;
        Address = app.Urls.First();
        _client = new HttpClient { BaseAddress = new Uri(Address) };
        StudioPage.WatchErrors(page, Errors);
    }

    public string Address { get; }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public string Folder => Path.Combine(_root, "flows");

    public static async Task<ServicePage> OpenAsync(IBrowser browser, string flows)
    {
        var root = Path.Combine(Path.GetTempPath(), "flowautomation-studio-service", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(root, "flows"));
        foreach (var file in Directory.EnumerateFiles(flows))
            File.Copy(file, Path.Combine(root, "flows", Path.GetFileName(file)));
        var builder = ServerHost.CreateBuilder([
            "--urls=http://127.0.0.1:0",
            "--Storage:Provider=InMemory",
            $"--Flows:Directory={Path.Combine(root, "flows")}",
            "--Flows:Watch=false",
            $"--Admin:ApiKey={AdminKey}",
            $"--Webhooks:Infobip:Secret={Secret}",
            "--Infobip:BaseUrl=",
            $"--Studio:Scenarios:0={Repo.Path("samples")}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        var app = builder.Build();
        app.MapFlowAutomationServer();
        await app.StartAsync();
        var (context, page) = await StudioPage.NewPageAsync(browser);
        var service = new ServicePage(app, root, context, page);
        await page.GotoAsync(service.Address + "/studio/");
        await page.GetByLabel("Admin key").FillAsync(AdminKey);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Open the studio" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("file")).Not.ToHaveCountAsync(0);
        return service;
    }

    /// <summary>Posts an Infobip TikTok text message, signed, received now; the service answers 200 once it has taken it.</summary>
    public async Task SendMessageAsync(string messageId, string user, string conversation, string text)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            results = new[]
            {
                new
                {
                    sender = user, to = "biz-1", integrationType = "TIKTOK",
                    receivedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", System.Globalization.CultureInfo.InvariantCulture),
                    messageId, message = new { type = "TEXT", conversationId = conversation, text },
                },
            },
            messageCount = 1,
            pendingMessageCount = 0,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/infobip/tiktok") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Infobip-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))));
        using var response = await _client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"the webhook was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
