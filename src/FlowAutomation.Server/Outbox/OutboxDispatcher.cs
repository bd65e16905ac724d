using FlowAutomation.Server.Common;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Outbox;

/// <summary>What one dispatch pass did.</summary>
internal sealed record DispatchSummary(int Claimed, int Sent, int Retried, int Failed, int Expired)
{
    public static readonly DispatchSummary Empty = new(0, 0, 0, 0, 0);
}

/// <summary>
/// Moves due outbox entries to the provider: claims them, skips (expires) any whose expiry has passed, sends the
/// rest, and records the outcome. Transient failures are retried with <see cref="RetryPolicy"/> until
/// <see cref="OutboxOptions.MaxAttempts"/>, and never scheduled at or after the message's expiry.
/// </summary>
internal sealed class OutboxDispatcher(IOutbox outbox, IMessageSender sender, RetryPolicy retry, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxDispatcher> logger)
{
    private enum Result
    {
        Sent,
        Retried,
        Failed,
        Expired,
    }

    /// <summary>Raised after each pass that claimed something, once every outcome is recorded.</summary>
    public event Action<DispatchSummary>? Dispatched;

    public async Task<DispatchSummary> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var claimed = await outbox.ClaimDueAsync(time.GetUtcNow(), settings.BatchSize, settings.Lease, cancellationToken);
        if (claimed.Count == 0)
            return DispatchSummary.Empty;

        // A claim holds at most one entry per conversation, so sending in parallel keeps each customer's order.
        var results = new Result[claimed.Count];
        await Parallel.ForAsync(0, claimed.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelSends, CancellationToken = cancellationToken },
            async (index, token) => results[index] = await DispatchOneAsync(claimed[index], token));
        var summary = new DispatchSummary(claimed.Count,
            results.Count(r => r == Result.Sent), results.Count(r => r == Result.Retried),
            results.Count(r => r == Result.Failed), results.Count(r => r == Result.Expired));
        Dispatched?.Invoke(summary);
        return summary;
    }

    private async Task<Result> DispatchOneAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var message = entry.Message;
        if (message.ExpiresAt <= time.GetUtcNow())
            return await ExpireAsync(entry, $"expired before attempt {entry.Attempts}" + (entry.LastError is { } last ? $" (last error: {last})" : ""), cancellationToken);

        SendOutcome outcome;
        try
        {
            outcome = await sender.SendAsync(message, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.SendThrew(exception, message.Id);
            outcome = SendOutcome.Transient($"sender threw {exception.GetType().Name}: {exception.Message}");
        }

        var now = time.GetUtcNow();
        switch (outcome.Kind)
        {
            case SendOutcomeKind.Sent:
                await outbox.MarkSentAsync(message.Id, outcome.ProviderMessageId, now, cancellationToken);
                logger.MessageSent(message.Id, message.Destination, message.ConversationId ?? "-");
                return Result.Sent;
            case SendOutcomeKind.Expired:
                return await ExpireAsync(entry, outcome.Reason ?? "expired", cancellationToken);
            case SendOutcomeKind.Permanent:
                var failure = outcome.Reason ?? "permanent failure";
                logger.OutboxFailed(message.Id, failure);
                await outbox.MarkFailedAsync(message.Id, failure, now, cancellationToken);
                return Result.Failed;
        }

        var reason = outcome.Reason ?? "transient failure";
        if (entry.Attempts >= retry.MaxAttempts)
        {
            var gaveUp = $"gave up after {entry.Attempts} attempts: {reason}";
            logger.OutboxFailed(message.Id, gaveUp);
            await outbox.MarkFailedAsync(message.Id, gaveUp, now, cancellationToken);
            return Result.Failed;
        }
        var next = now + retry.DelayAfter(entry.Attempts, outcome.RetryAfter);
        if (next >= message.ExpiresAt)
            return await ExpireAsync(entry, $"next attempt would fall after the message's expiry: {reason}", cancellationToken);
        await outbox.ScheduleRetryAsync(message.Id, next, reason, cancellationToken);
        return Result.Retried;
    }

    private async Task<Result> ExpireAsync(OutboxEntry entry, string reason, CancellationToken cancellationToken)
    {
        logger.OutboxExpired(entry.Id, reason);
        await outbox.MarkExpiredAsync(entry.Id, reason, time.GetUtcNow(), cancellationToken);
        return Result.Expired;
    }
}
