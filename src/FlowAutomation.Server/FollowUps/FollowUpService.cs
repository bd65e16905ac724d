using FlowAutomation.Scheduling;
using FlowAutomation.Server.Common;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// Starts Hangfire (after the schema and the flows) firing due follow-ups into <paramref name="handler"/> (the
/// runtime), reconciles periodically, and stops Hangfire's server, cancelling runs still waiting for their due time.
/// </summary>
internal sealed class FollowUpService(HangfireFollowUpScheduler scheduler, IFollowUpHandler handler, IOptions<FollowUpOptions> options, TimeProvider time, ILogger<FollowUpService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await scheduler.StartAsync(handler, options.Value.Fire, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await scheduler.DisposeAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await scheduler.ReconcileAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.FollowUpReconcileFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
