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
        // Passes follow each other without waiting for the previous one's outcomes to commit: the next claim is queued
        // behind those writes (in one shared transaction on SQLite). Only one pass's outcomes are outstanding at a time.
        var recording = DispatchPass.None;
        while (!stoppingToken.IsCancellationRequested)
        {
            var pass = DispatchPass.None;
            try
            {
                pass = await dispatcher.SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.DispatchFailed(exception);
            }
            var previous = recording;
            recording = pass;
            if (!await RecordedAsync(previous, stoppingToken))
                return;
            // A claim that ran before the previous pass's outcomes were committed (a provider whose writes do not
            // share a transaction) may have missed an entry they made claimable: claim once more before waiting.
            if (pass.Claimed > 0 || previous.Claimed > 0)
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
        await RecordedAsync(recording, stoppingToken);
    }

    /// <summary>Waits for a pass's outcomes to be recorded; false when the host is stopping.</summary>
    private async Task<bool> RecordedAsync(DispatchPass pass, CancellationToken stoppingToken)
    {
        try
        {
            await pass.Recorded;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            logger.DispatchFailed(exception);
        }
        return true;
    }
}
