using FlowAutomation.Server.Common;
using FlowAutomation.Server.Runtime;

namespace FlowAutomation.Server.Inbox;

/// <summary>How one inbox item's attempts ended.</summary>
internal enum InboxOutcome
{
    /// <summary>Run to the end (done, or found done before).</summary>
    Done,

    /// <summary>Failed <see cref="InboxOptions.MaxAttempts"/> times and set aside as <c>failed</c>.</summary>
    Failed,

    /// <summary>The node is stopping: left <c>pending</c> for the next start (or another node).</summary>
    LeftPending,
}

/// <summary>
/// The attempts both providers' inbox processors give an item: up to <see cref="InboxOptions.MaxAttempts"/>, waiting
/// <see cref="InboxOptions.RetryDelay"/> between them on the injected clock; the last failure is logged and the row
/// marked failed (<c>markFailed</c>: the error and the attempts), unless the node is stopping.
/// </summary>
internal static class InboxAttempts
{
    public static async Task<InboxOutcome> RunAsync(
        InboxItem item, IInboxItemRunner runner, InboxOptions settings, TimeProvider time, ILogger logger,
        Func<string, int, Task> markFailed, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await runner.RunAsync(item, CancellationToken.None);
                return InboxOutcome.Done;
            }
            catch (Exception exception) when (attempt < settings.MaxAttempts && !stopping.IsCancellationRequested)
            {
                logger.InboxAttemptFailed(exception, item.Seq, item.ConversationId, attempt);
                await Task.Delay(settings.RetryDelay, time, CancellationToken.None);
            }
            catch (Exception exception)
            {
                if (stopping.IsCancellationRequested)
                    return InboxOutcome.LeftPending;
                logger.InboxFailed(exception, item.Seq, item.ConversationId, attempt);
                await markFailed($"{exception.GetType().Name}: {exception.Message}", attempt);
                return InboxOutcome.Failed;
            }
        }
    }
}
