using System.Text.Json;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Admin;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Outbound;
using FlowAutomation.Server.Runtime;
using FlowAutomation.State;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Studio;
using FlowAutomation.Server.Webhooks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PolicyProfiles = FlowAutomation.Policy.PolicyProfiles;

namespace FlowAutomation.Server.Hosting;

/// <summary>
/// Builds the service. <c>flowctl serve</c> and tests start from <see cref="CreateBuilder"/> (or call
/// <see cref="AddFlowAutomationServer"/> on their own builder), replace what they need — <see cref="IInboundSink"/>,
/// <see cref="IMessageSender"/>, <see cref="TimeProvider"/> — then map the endpoints with
/// <see cref="MapFlowAutomationServer"/>. Registrations use TryAdd, so a service registered earlier wins. Hosted
/// services start in order: schema, flows (refusing to start on errors), follow-ups (Quartz), the inbox
/// (events left pending by a stop or crash first), dedup purge, outbox dispatcher.
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
            .Validate(o => o.EventTimeTolerance >= TimeSpan.Zero, "Webhooks:EventTimeTolerance must not be negative")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddOptions<InfobipOptions>().Bind(configuration.GetSection(InfobipOptions.SectionName))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.MaxValidity > TimeSpan.Zero, "Infobip:Timeout and Infobip:MaxValidity must be positive").ValidateOnStart();
        services.AddOptions<ImageOptions>().Bind(configuration.GetSection(ImageOptions.SectionName))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.CacheDuration >= TimeSpan.Zero && o.FailureCacheDuration >= TimeSpan.Zero && o.MaxRedirects >= 0,
                "Images:Timeout must be positive; Images:CacheDuration, Images:FailureCacheDuration and Images:MaxRedirects must not be negative").ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName))
            .Validate(o => o.MaxAttempts > 0 && o.BatchSize > 0 && o.BaseDelay > TimeSpan.Zero && o.MaxDelay >= o.BaseDelay && o.Lease > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero,
                "Outbox settings must be positive, with MaxDelay >= BaseDelay").ValidateOnStart();

        services.AddOptions<InboxOptions>().Bind(configuration.GetSection(InboxOptions.SectionName))
            .Validate(o => o.Lanes > 0 && o.MaxAttempts > 0 && o.RetryDelay >= TimeSpan.Zero, "Inbox:Lanes and Inbox:MaxAttempts must be positive").ValidateOnStart();
        services.AddOptions<FlowOptions>().Bind(configuration.GetSection(FlowOptions.SectionName))
            .Validate(o => PolicyProfiles.TryGet(o.Policy, out _), $"Flows:Policy must be one of {string.Join(", ", PolicyProfiles.Names)}")
            .Validate(o => o.ReloadDelay >= TimeSpan.Zero, "Flows:ReloadDelay must not be negative").ValidateOnStart();
        services.AddOptions<FollowUpOptions>().Bind(configuration.GetSection(FollowUpOptions.SectionName))
            .Validate(o => o.ReconcileInterval > TimeSpan.Zero, "FollowUps:ReconcileInterval must be positive").ValidateOnStart();
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKeyHeader), "Admin:ApiKeyHeader must not be empty").ValidateOnStart();

        // Storage: one SQLite database for everything (Storage:Provider=InMemory uses a throwaway file).
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.CreateDatabase());
        services.TryAddSingleton<IDedupStore>(sp => new SqliteDedupStore(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IOutbox>(sp => new SqliteOutbox(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IConversationStore>(sp => new SqliteConversationStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SqliteAuditLog(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IAuditReader>(sp => new SqliteAuditReader(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"])
            .AddCheck<RuntimeHealthCheck>("runtime", tags: ["ready"]);

        // Runtime: the engine on the current flows, its store, follow-ups and audit trail.
        services.TryAddSingleton<IEngineStore>(sp => new SqliteEngineStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ITraceSink, AuditTraceSink>();
        services.TryAddSingleton(sp => new QuartzFollowUpScheduler(
            sp.GetRequiredService<SqliteDatabase>(), () => sp.GetRequiredService<FlowHost>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<QuartzFollowUpScheduler>>()));
        services.TryAddSingleton<IFollowUpScheduler>(sp => sp.GetRequiredService<QuartzFollowUpScheduler>());
        services.TryAddSingleton<FlowHost>();
        services.TryAddSingleton<FlowWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<FlowWatcher>());
        services.TryAddSingleton<FollowUpService>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowUpService>());
        services.TryAddSingleton<InboxProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxProcessor>());
        services.AddHostedService<DedupPurgeService>();

        // Inbound: verified webhooks into the inbox.
        services.TryAddSingleton<SqliteInbox>();
        services.TryAddSingleton<IInboundSink>(sp => sp.GetRequiredService<SqliteInbox>());
        services.TryAddSingleton<InfobipWebhookParser>();
        services.TryAddSingleton<TikTokWebhookParser>();
        services.TryAddSingleton<LeadWebhookParser>();
        services.TryAddSingleton<WebhookVerifiers>();
        services.TryAddSingleton<WebhookPipeline>();

        // Outbound: the timeout is enforced on the injected clock by the sender, not by HttpClient.
        services.AddHttpClient(InfobipOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        // Without Infobip's base URL and key, the log is the provider: each reply is written there (and said so at start).
        services.TryAddSingleton<IMessageSender>(sp => sp.GetRequiredService<IOptions<InfobipOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<InfobipTikTokSender>(sp)
            : ActivatorUtilities.CreateInstance<LogMessageSender>(sp));

        // Images: looked at before the guard decides an image reply (the size, the real format, whether it answers).
        services.AddHttpClient(ImageOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = sp.GetRequiredService<IOptions<ImageOptions>>().Value.MaxRedirects > 0,
                MaxAutomaticRedirections = Math.Max(1, sp.GetRequiredService<IOptions<ImageOptions>>().Value.MaxRedirects),
            });
        services.TryAddSingleton<IImageInspector>(sp => sp.GetRequiredService<IOptions<ImageOptions>>().Value.Probe
            ? ActivatorUtilities.CreateInstance<HttpImageInspector>(sp)
            : DeclaredImageInspector.Instance);
        services.TryAddSingleton(sp => new RetryPolicy(sp.GetRequiredService<IOptions<OutboxOptions>>().Value, Random.Shared));
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxDispatcher>();
        services.AddHostedService<OutboxDispatcherService>();
        return services;
    }

    public static IEndpointRouteBuilder MapFlowAutomationServer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapWebhooks();
        endpoints.MapAdminApi();
        endpoints.MapStudioInService();
        if (string.IsNullOrEmpty(endpoints.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey))
            endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerHost)).AdminDisabled();
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync });
        return endpoints;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, JsonSerializerOptions.Web);
}
