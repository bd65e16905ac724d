using System.Text.Json;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Admin;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Images;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Sending;
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
/// services start in order: schema, flows (refusing to start on errors), follow-ups (Hangfire), the inbox
/// (events left pending by a stop or crash first), dedup purge, outbox dispatcher.
/// </summary>
public static class ServerHost
{
    /// <summary>Where the service listens when no <c>Urls</c> setting (or <c>--urls</c>, <c>ASPNETCORE_URLS</c>) says otherwise.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>The host's setting for watching its appsettings files; the service polls them instead.</summary>
    private const string ReloadConfigOnChangeKey = "hostBuilder:reloadConfigOnChange";

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // The host's default watches the whole working folder (recursively, inotify) for its appsettings files, and
        // the SQLite database and its WAL usually live there: every commit woke that watcher (about 3 % of the service's
        // busy time under load, docs/performance.md, "Seventh pass"). Those files are polled instead (SettingsFilePolling).
        var builder = WebApplication.CreateBuilder([.. args, $"--{ReloadConfigOnChangeKey}=false"]);
        SettingsFilePolling.Replace(builder);
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
        // Every section is bound and checked when the service starts (data annotations on the options classes, and
        // the rules that span settings below): a wrong setting stops it with the setting's name, nothing is clamped.
        services.AddSettings<WebhookOptions>(configuration, WebhookOptions.SectionName)
            .Validate(o => HmacAlgorithms.TryParse(o.Infobip.Algorithm, out _), "Webhooks:Infobip:Algorithm is not HMAC_SHA_1, HMAC_SHA_256, HMAC_SHA_384 or HMAC_SHA_512")
            .Validate(o => HmacAlgorithms.TryParse(o.Leads.Algorithm, out _), "Webhooks:Leads:Algorithm is not HMAC_SHA_1, HMAC_SHA_256, HMAC_SHA_384 or HMAC_SHA_512")
            .Validate(o => o.TikTok.Tolerance > TimeSpan.Zero, "Webhooks:TikTok:Tolerance must be positive");
        services.AddSettings<StorageOptions>(configuration, StorageOptions.SectionName)
            .Validate(o => o.Provider != StorageProvider.Sqlite || o.Synchronous != SqliteSynchronous.Off,
                "Storage:Synchronous=Off would lose acknowledged webhooks at a crash: write Normal (the default) or Full")
            .Validate(o => o.Provider != StorageProvider.Postgres || o.Database.Contains('=', StringComparison.Ordinal),
                "Storage:Database must be an Npgsql connection string (Host=…;Database=…;Username=…) with Storage:Provider=Postgres");
        services.AddSettings<InfobipOptions>(configuration, InfobipOptions.SectionName);
        services.AddSettings<ImageOptions>(configuration, ImageOptions.SectionName);
        services.AddSettings<OutboxOptions>(configuration, OutboxOptions.SectionName)
            .Validate(o => o.MaxDelay >= o.BaseDelay, "Outbox:MaxDelay must not be shorter than Outbox:BaseDelay");
        services.AddSettings<InboxOptions>(configuration, InboxOptions.SectionName);
        services.AddSettings<FlowOptions>(configuration, FlowOptions.SectionName)
            .Validate(o => PolicyProfiles.TryGet(o.Policy, out _), $"Flows:Policy must be one of {string.Join(", ", PolicyProfiles.Names)}");
        services.AddSettings<RulesOptions>(configuration, RulesOptions.SectionName)
            .Validate(o => o.IsValid, $"Rules:Engine must be one of {string.Join(", ", FlowAutomation.Rules.RuleEngines.Names)}");
        services.AddSettings<FollowUpOptions>(configuration, FollowUpOptions.SectionName)
            .Validate(o => o.PromotionInterval * 2 <= o.HandOverHorizon, "FollowUps:HandOverHorizon must be at least twice FollowUps:PromotionInterval");
        services.AddSettings<AdminOptions>(configuration, AdminOptions.SectionName);
        services.AddFollowUpDashboard();

        // Storage: every store on the provider's database — SQLite (one node per file) or PostgreSQL (any number of
        // nodes); with it the engine's store, the inbox's intake and its processor (StorageRegistrations).
        services.AddStorage(StorageRegistrations.ProviderOf(configuration));
        services.TryAddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"])
            .AddCheck<RuntimeHealthCheck>("runtime", tags: ["ready"]);

        // Runtime: the engine on the current flows, its store, follow-ups and audit trail.
        // One commit per event (state, messages, follow-ups, audit, the inbox row's marker); after it is durable the
        // listeners hand follow-ups to Hangfire, wake the dispatcher and write the log lines.
        services.TryAddSingleton(sp => FollowUpJobStorage.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<IOptions<FollowUpOptions>>().Value));
        services.TryAddSingleton<HangfireFollowUpScheduler>();
        services.TryAddSingleton<IFollowUpScheduler>(sp => sp.GetRequiredService<HangfireFollowUpScheduler>());
        services.AddSingleton<ICommitListener>(sp => sp.GetRequiredService<HangfireFollowUpScheduler>());
        services.AddSingleton<ICommitListener>(sp => sp.GetRequiredService<OutboxSignal>());
        services.AddSingleton<ICommitListener, CommitLog>();
        services.TryAddSingleton<FlowHost>();
        // Due follow-ups fire on the current flows; Hangfire is handed the handler when it starts (FollowUpService).
        services.TryAddSingleton<IFollowUpHandler>(sp => sp.GetRequiredService<FlowHost>());
        services.TryAddSingleton<FlowWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<FlowWatcher>());
        services.TryAddSingleton<FollowUpService>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowUpService>());
        services.TryAddSingleton<IInboxItemRunner, InboxItemRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<IInboxProcessing>());
        services.AddHostedService<DedupPurgeService>();

        // Inbound: verified webhooks into the inbox.
        services.TryAddSingleton<InfobipWebhookParser>();
        services.TryAddSingleton<TikTokWebhookParser>();
        services.TryAddSingleton<LeadWebhookParser>();
        services.TryAddSingleton<WebhookVerifiers>();
        services.TryAddSingleton<WebhookPipeline>();

        // Outbound: the timeout is enforced on the injected clock by the sender, not by HttpClient. Without
        // IHttpClientFactory's logging handlers: they cost a logging scope and two timers on every send and wrote
        // nothing at the shipped `Warning` level; each send is in the service's own log ("Sent message ...").
        services.AddHttpClient(InfobipOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
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

    /// <summary>Binds <typeparamref name="T"/> to its section and checks its data annotations when the service starts.</summary>
    private static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();

    public static IEndpointRouteBuilder MapFlowAutomationServer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapWebhooks();
        endpoints.MapAdminApi();
        endpoints.MapFollowUpDashboard();
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
