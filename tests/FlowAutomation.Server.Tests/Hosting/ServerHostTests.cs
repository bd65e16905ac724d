using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FlowAutomation.Compilation;
using FlowAutomation.Rules;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Hosting;
using FlowAutomation.Server.Images;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.State;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Hosting;

public sealed class ServerHostTests
{
    [Fact]
    public async Task Healthz_Always200()
    {
        await using var host = await TestServerHost.StartAsync();

        using var response = await host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_Sqlite_CreatesSchemaAndReportsReady()
    {
        using var database = new TempDatabase();
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite", ["Storage:Database"] = database.ConnectionString });

        using var response = await host.Client.GetAsync("/readyz");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sqlite", body.GetProperty("checks").GetProperty("storage").GetProperty("description").GetString());
        await using var connection = new SqliteConnection(database.ConnectionString);
        var tables = await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        Assert.Equal(["audit", "conversations", "follow_ups", "inbound_dedup", "inbox", "outbox", "schema_journal", "team_turns"], tables.Where(t => !t.StartsWith("sqlite_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task StorageHealthCheck_BeforeSchemaIsReady_Unhealthy()
    {
        using var database = new TempDatabase();
        var services = new ServiceCollection().AddSingleton<IServiceDatabase>(database.Database).BuildServiceProvider();
        var initializer = new StorageInitializer(services, NullLogger<StorageInitializer>.Instance);
        var check = new StorageHealthCheck(initializer, services);

        var before = await check.CheckHealthAsync(new HealthCheckContext());
        await initializer.StartAsync(CancellationToken.None);
        var after = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal((HealthStatus.Healthy, "sqlite"), (after.Status, after.Description));
    }

    [Fact]
    public async Task Webhook_DuplicateAfterRestartOnSqlite_StillIgnored()
    {
        using var database = new TempDatabase();
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite", ["Storage:Database"] = database.ConnectionString };
        await using (var first = await TestServerHost.StartAsync(settings, realInbox: true))
        {
            using var response = await first.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
            Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        }

        await using var second = await TestServerHost.StartAsync(settings, realInbox: true);
        using var again = await second.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((0, 1), (body.GetProperty("accepted").GetInt32(), body.GetProperty("duplicates").GetInt32()));
        await using var connection = new SqliteConnection(database.ConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox"));
    }

    [Fact]
    public async Task AddFlowAutomationServer_DefaultServices_AreTheDocumentedOnes()
    {
        await using var host = await TestServerHost.StartAsync(realInbox: true);
        var services = host.App.Services;

        Assert.IsType<SqliteDedupStore>(services.GetRequiredService<IDedupStore>());
        Assert.IsType<SqliteOutbox>(services.GetRequiredService<IOutbox>());
        Assert.IsType<LogMessageSender>(services.GetRequiredService<IMessageSender>()); // no Infobip:BaseUrl and ApiKey
        Assert.IsType<HttpImageInspector>(services.GetRequiredService<IImageInspector>());
        Assert.IsType<SqliteInbox>(services.GetRequiredService<IInboundSink>());
        Assert.IsType<SqliteConversationStore>(services.GetRequiredService<IConversationStore>());
        Assert.IsType<SqliteEngineStore>(services.GetRequiredService<IEngineStore>());
        Assert.IsType<HangfireFollowUpScheduler>(services.GetRequiredService<IFollowUpScheduler>());
        Assert.Equal([typeof(HangfireFollowUpScheduler), typeof(OutboxSignal), typeof(CommitLog)], services.GetServices<ICommitListener>().Select(l => l.GetType()));
    }

    [Fact]
    public async Task AddFlowAutomationServer_InfobipConfiguredAndImagesNotProbed_SendsThroughInfobipAndTrustsTheUrl()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Infobip:BaseUrl"] = "http://127.0.0.1:9",
            ["Infobip:ApiKey"] = "key",
            ["Images:Probe"] = "false",
        });
        var services = host.App.Services;

        Assert.IsType<InfobipTikTokSender>(services.GetRequiredService<IMessageSender>());
        Assert.Same(DeclaredImageInspector.Instance, services.GetRequiredService<FlowHost>().EngineOptions.Images);
    }

    [Fact]
    public async Task CreateBuilder_CommandLine_ConfiguresTheService()
    {
        var flows = Path.Combine(Path.GetTempPath(), "flowautomation-server-tests", "flows-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(flows);
        await File.WriteAllTextAsync(Path.Combine(flows, "tag.yaml"), TestServerHost.TaggingFlow);
        var builder = ServerHost.CreateBuilder(["--Storage:Provider=InMemory", $"--Flows:Directory={flows}", "--Webhooks:Leads:Secret=", "--Webhooks:Leads:AllowUnsigned=true"]);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapFlowAutomationServer();
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var response = await client.PostAsync("/webhooks/leads", new StringContent(Payloads.Lead));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        Assert.Equal(flows, app.Services.GetRequiredService<FlowHost>().Directory);
        await app.StopAsync();
        Directory.Delete(flows, recursive: true);
    }

    [Fact]
    public async Task CreateBuilder_WorkingFolderAppSettingsEdited_ReloadedByPolling()
    {
        var folder = Path.Combine(Path.GetTempPath(), "flowautomation-server-tests", "root-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        var settings = Path.Combine(folder, "appsettings.json");
        await File.WriteAllTextAsync(settings, """{ "Probe": "one" }""");
        var builder = ServerHost.CreateBuilder([$"--contentRoot={folder}", "--Storage:Provider=InMemory"]);
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Microsoft.Extensions.Primitives.ChangeToken.OnChange(((Microsoft.Extensions.Configuration.IConfiguration)builder.Configuration).GetReloadToken, () =>
        {
            if (builder.Configuration["Probe"] == "two")
                reloaded.TrySetResult();
        });

        var first = builder.Configuration["Probe"];
        await File.WriteAllTextAsync(settings, """{ "Probe": "two" }""");
        File.SetLastWriteTimeUtc(settings, File.GetLastWriteTimeUtc(settings).AddSeconds(2));
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(("one", "two"), (first, builder.Configuration["Probe"]));
        var fromFolder = builder.Configuration.Sources.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationSource>()
            .Select(source => source.FileProvider).OfType<Microsoft.Extensions.FileProviders.PhysicalFileProvider>()
            .Where(files => Path.TrimEndingDirectorySeparator(files.Root) == folder).ToList();
        Assert.NotEmpty(fromFolder);
        // Polled actively (the host's own provider does not poll, and its getter for UsePollingFileWatcher reads false
        // once a watch has started, whichever kind).
        Assert.All(fromFolder, files => Assert.True(files.UseActivePolling));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Start_FlowsWithErrors_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<FlowCompilationException>(() =>
            TestServerHost.StartAsync(flows: new Dictionary<string, string> { ["bad.yaml"] = "flow: broken\non: message.nowhere\nthen: []\n" }));

        Assert.Contains(error.Diagnostics, d => d.IsError);
    }

    [Fact]
    public async Task Start_UnknownHmacAlgorithm_FailsFast()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestServerHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:Infobip:Algorithm"] = "MD5" }));

        Assert.Contains("Webhooks:Infobip:Algorithm", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Outbox:MaxParallelSends", "0", "Outbox:MaxParallelSends must be from 1 to 64 (it is 0)")]
    [InlineData("Infobip:MessagesPerRequest", "0", "Infobip:MessagesPerRequest must be from 1 to 100 (it is 0)")]
    [InlineData("Infobip:MessagesPerRequest", "101", "Infobip:MessagesPerRequest must be from 1 to 100 (it is 101)")]
    [InlineData("Inbox:Lanes", "0", "Inbox:Lanes must be from 1 to 256 (it is 0)")]
    [InlineData("Inbox:Lanes", "257", "Inbox:Lanes must be from 1 to 256 (it is 257)")]
    [InlineData("Outbox:BaseDelay", "-00:00:01", "Outbox:BaseDelay must be positive")]
    [InlineData("Storage:GroupCommitWait", "-00:00:00.001", "Storage:GroupCommitWait must not be negative")]
    public async Task Start_SettingOutOfRange_RefusesToStartNamingIt(string setting, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestServerHost.StartAsync(new Dictionary<string, string?> { [setting] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InMemory")]
    [InlineData("TemporaryFile")]
    public void CreateDatabase_TemporaryFileOrItsOldName_IsAThrowawayFileWithoutFsync(string provider)
    {
        var options = new StorageOptions { Provider = Enum.Parse<StorageProvider>(provider) };

        var database = options.CreateDatabase();

        Assert.NotNull(database.DeleteOnDispose);
        Assert.Equal(SqliteSynchronous.Off, database.Synchronous);
    }

    [Fact]
    public async Task Start_RulesEngineNRules_RunsTheFlowsOnNRules()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Rules:Engine"] = "nrules" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/scenarios/run")
        {
            Content = new StringContent("scenario: posted\nstart: 2026-03-02T02:00:00Z\nevents:\n  - at: 0s\n    message.received: { text: hi }\nexpect:\n  fired: [tag-every-message]\n", System.Text.Encoding.UTF8, "application/yaml"),
        };
        request.Headers.Add("X-Api-Key", TestServerHost.AdminKey);

        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(RuleEngineKind.NRules, host.App.Services.GetRequiredService<FlowHost>().EngineOptions.RuleEngine);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Start_UnknownRulesEngine_FailsFast()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestServerHost.StartAsync(new Dictionary<string, string?> { ["Rules:Engine"] = "drools" }));

        Assert.Contains("Rules:Engine must be one of network, nrules", error.Message, StringComparison.Ordinal);
    }
}
