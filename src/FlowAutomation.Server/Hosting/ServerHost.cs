using System.Text.Json;
using FlowAutomation.Server.Outbound;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Webhooks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Hosting;

/// <summary>
/// Builds the service. <c>flowctl serve</c>, tests and the runtime start from <see cref="CreateBuilder"/> (or call
/// <see cref="AddFlowAutomationServer"/> on their own builder), replace what they need — <see cref="IInboundSink"/>,
/// <see cref="IMessageSender"/>, <see cref="IOutbox"/>, <see cref="TimeProvider"/> — then map the endpoints with
/// <see cref="MapFlowAutomationServer"/>. Registrations use TryAdd, so a service registered earlier wins.
/// </summary>
public static class ServerHost
{
    /// <summary>Where the service listens when no <c>Urls</c> setting (or <c>--urls</c>, <c>ASPNETCORE_URLS</c>) says otherwise.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The appsettings.json shipped beside the binary gives the defaults wherever the service is started from;
        // the working folder's appsettings, environment variables and the command line override it.
        var shipped = new JsonConfigurationSource { Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Optional = true };
        shipped.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, shipped);
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrls);
        builder.Services.AddFlowAutomationServer(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddFlowAutomationServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName))
            .Validate(o => HmacAlgorithms.TryParse(o.Infobip.Algorithm, out _), "Webhooks:Infobip:Algorithm is not HMAC_SHA_1, HMAC_SHA_256, HMAC_SHA_384 or HMAC_SHA_512")
            .Validate(o => HmacAlgorithms.TryParse(o.Leads.Algorithm, out _), "Webhooks:Leads:Algorithm is not HMAC_SHA_1, HMAC_SHA_256, HMAC_SHA_384 or HMAC_SHA_512")
            .Validate(o => o.MaxBodyBytes > 0 && o.TikTok.Tolerance > TimeSpan.Zero, "Webhooks:MaxBodyBytes and Webhooks:TikTok:Tolerance must be positive")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddOptions<InboundOptions>().Bind(configuration.GetSection(InboundOptions.SectionName))
            .Validate(o => o.Capacity > 0, "Inbound:Capacity must be positive").ValidateOnStart();
        services.AddOptions<InfobipOptions>().Bind(configuration.GetSection(InfobipOptions.SectionName))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.MaxValidity > TimeSpan.Zero, "Infobip:Timeout and Infobip:MaxValidity must be positive").ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName))
            .Validate(o => o.MaxAttempts > 0 && o.BatchSize > 0 && o.BaseDelay > TimeSpan.Zero && o.MaxDelay >= o.BaseDelay && o.Lease > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero,
                "Outbox settings must be positive, with MaxDelay >= BaseDelay").ValidateOnStart();

        // Storage
        services.TryAddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));
        services.TryAddSingleton<IDedupStore>(sp => UsesSqlite(sp) ? new SqliteDedupStore(sp.GetRequiredService<SqliteDatabase>()) : new InMemoryDedupStore());
        services.TryAddSingleton<IOutbox>(sp => UsesSqlite(sp) ? new SqliteOutbox(sp.GetRequiredService<SqliteDatabase>()) : new InMemoryOutbox());
        services.TryAddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddHostedService<DedupPurgeService>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);

        // Inbound
        services.TryAddSingleton(sp => new ChannelInboundSink(sp.GetRequiredService<IOptions<InboundOptions>>().Value.Capacity));
        services.TryAddSingleton<IInboundSink>(sp => sp.GetRequiredService<ChannelInboundSink>());
        services.TryAddSingleton<InfobipWebhookParser>();
        services.TryAddSingleton<TikTokWebhookParser>();
        services.TryAddSingleton<LeadWebhookParser>();
        services.TryAddSingleton<WebhookVerifiers>();
        services.TryAddSingleton<WebhookPipeline>();

        // Outbound: the timeout is enforced on the injected clock by the sender, not by HttpClient.
        services.AddHttpClient(InfobipOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<IMessageSender, InfobipTikTokSender>();
        services.TryAddSingleton(sp => new RetryPolicy(sp.GetRequiredService<IOptions<OutboxOptions>>().Value, Random.Shared));
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxDispatcher>();
        services.AddHostedService<OutboxDispatcherService>();
        return services;
    }

    public static IEndpointRouteBuilder MapFlowAutomationServer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapWebhooks();
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync });
        return endpoints;
    }

    private static bool UsesSqlite(IServiceProvider services) =>
        services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.Sqlite;

    private static Task WriteHealthAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, JsonSerializerOptions.Web);
}
