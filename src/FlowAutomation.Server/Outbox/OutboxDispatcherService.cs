using FlowAutomation.Server.Common;
using FlowAutomation.Server.Sending;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Outbox;

/// <summary>Runs <see cref="OutboxDispatcher"/> until the host stops: at once while there is work, else on each poll or signal.</summary>
internal sealed class OutboxDispatcherService(
    OutboxDispatcher dispatcher, IMessageSender sender, OutboxSignal signal, IOptions<OutboxOptions> options, IOptions<InfobipOptions> infobip,
    TimeProvider time, ILogger<OutboxDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (sender is InfobipTikTokSender && !infobip.Value.IsConfigured)
        {
            logger.DispatcherIdle();
            return;
        }
        if (sender is LogMessageSender)
            logger.NoProviderConfigured();
        while (!stoppingToken.IsCancellationRequested)
        {
            var summary = DispatchSummary.Empty;
            try
            {
                summary = await dispatcher.DispatchDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.DispatchFailed(exception);
            }
            if (summary.Claimed > 0)
                continue;
            try
            {
                await signal.WaitAsync(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
