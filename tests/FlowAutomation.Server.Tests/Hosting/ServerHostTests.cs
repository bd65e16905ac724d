using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FlowAutomation.Server.Hosting;
using FlowAutomation.Server.Outbound;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
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
        Assert.Equal(["inbound_dedup", "outbox", "schema_versions"], tables);
    }

    [Fact]
    public async Task StorageHealthCheck_BeforeSchemaIsReady_Unhealthy()
    {
        using var database = new TempDatabase();
        var services = new ServiceCollection().AddSingleton(database.Database).BuildServiceProvider();
        var options = Options.Create(new StorageOptions { Provider = StorageProvider.Sqlite, Database = database.ConnectionString });
        var initializer = new StorageInitializer(services, options, NullLogger<StorageInitializer>.Instance);
        var check = new StorageHealthCheck(initializer, services, options);

        var before = await check.CheckHealthAsync(new HealthCheckContext());
        await initializer.StartAsync(CancellationToken.None);
        var after = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }

    [Fact]
    public async Task Webhook_DuplicateAfterRestartOnSqlite_StillIgnored()
    {
        using var database = new TempDatabase();
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite", ["Storage:Database"] = database.ConnectionString };
        await using (var first = await TestServerHost.StartAsync(settings))
        {
            using var response = await first.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Single(first.Sink.Records);
        }

        await using var second = await TestServerHost.StartAsync(settings);
        using var again = await second.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32());
        Assert.Empty(second.Sink.Records);
    }

    [Fact]
    public async Task AddFlowAutomationServer_DefaultServices_AreTheDocumentedOnes()
    {
        await using var host = await TestServerHost.StartAsync();
        var services = host.App.Services;

        Assert.IsType<InMemoryDedupStore>(services.GetRequiredService<IDedupStore>());
        Assert.IsType<InMemoryOutbox>(services.GetRequiredService<IOutbox>());
        Assert.IsType<InfobipTikTokSender>(services.GetRequiredService<IMessageSender>());
        Assert.IsType<RecordingSink>(services.GetRequiredService<IInboundSink>());
    }

    [Fact]
    public async Task CreateBuilder_CommandLine_ConfiguresTheService()
    {
        var builder = ServerHost.CreateBuilder(["--Storage:Provider=InMemory", "--Webhooks:Leads:Secret=", "--Webhooks:Leads:AllowUnsigned=true"]);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapFlowAutomationServer();
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var response = await client.PostAsync("/webhooks/leads", new StringContent(Payloads.Lead));
        var sink = app.Services.GetRequiredService<IInboundSink>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var channel = Assert.IsType<ChannelInboundSink>(sink);
        Assert.True(channel.Reader.TryRead(out var record));
        Assert.Equal("leads:lead:lead-1001", record.DedupKey);
        await app.StopAsync();
    }

    [Fact]
    public async Task Start_UnknownHmacAlgorithm_FailsFast()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestServerHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:Infobip:Algorithm"] = "MD5" }));

        Assert.Contains("Webhooks:Infobip:Algorithm", error.Message, StringComparison.Ordinal);
    }
}
