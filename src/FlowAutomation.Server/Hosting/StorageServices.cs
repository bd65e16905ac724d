using FlowAutomation.Server.FollowUps;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Hosting;

/// <summary>Creates or migrates the database's schema (either provider) before anything else starts; readiness waits for it.</summary>
internal sealed class StorageInitializer(IServiceProvider services, ILogger<StorageInitializer> logger) : IHostedService
{
    public bool IsReady { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var version = await services.GetRequiredService<IServiceDatabase>().MigrateAsync(logger, cancellationToken);
        logger.SchemaMigrated(SchemaMigrations.LegacyComponent, version);
        IsReady = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary><c>/readyz</c>: the schema is in place and the database answers; the check names the provider.</summary>
internal sealed class StorageHealthCheck(StorageInitializer initializer, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!initializer.IsReady)
            return HealthCheckResult.Unhealthy("storage is not initialised yet");
        var database = services.GetRequiredService<IServiceDatabase>();
        try
        {
            return await database.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy(database.Provider)
                : HealthCheckResult.Unhealthy($"{database.Provider} did not answer");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} failed", exception);
        }
    }
}

/// <summary><c>/readyz</c>: the flows are loaded and follow-ups are reconciled with Hangfire.</summary>
internal sealed class RuntimeHealthCheck(FlowHost flows, HangfireFollowUpScheduler followUps) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!flows.IsLoaded ? HealthCheckResult.Unhealthy("flows are not loaded yet")
            : !followUps.IsReady ? HealthCheckResult.Unhealthy("follow-ups are not started yet")
            : HealthCheckResult.Healthy($"{flows.Current.Compilation.Flows.Length} flows"));
}

/// <summary>Drops dedup keys older than <see cref="StorageOptions.DedupRetention"/>, hourly on the injected clock.</summary>
internal sealed class DedupPurgeService(IDedupStore dedup, IOptions<StorageOptions> options, TimeProvider time, ILogger<DedupPurgeService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var purged = await dedup.PurgeAsync(time.GetUtcNow() - options.Value.DedupRetention, stoppingToken);
                    logger.DedupPurged(purged);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.DedupPurgeFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
