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

/// <summary>A pass whose sends have answered: how many entries it claimed, and the recording of their outcomes.</summary>
internal sealed record DispatchPass(int Claimed, Task<DispatchSummary> Recorded)
{
    public static readonly DispatchPass None = new(0, Task.FromResult(DispatchSummary.Empty));
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

    /// <summary>Claims what is due, sends it, and returns once every outcome is recorded.</summary>
    public async Task<DispatchSummary> DispatchDueAsync(CancellationToken cancellationToken = default) =>
        await (await SendDueAsync(cancellationToken)).Recorded;

    /// <summary>
    /// Claims what is due and sends it; returns when every send has answered, with the recording of the outcomes
    /// (<see cref="DispatchPass.Recorded"/>) under way: each outcome's write was handed to the outbox as its send
    /// answered, so a claim made after this returns is queued behind those writes (and, in one shared transaction,
    /// sees them). The next pass need not wait for them to commit.
    /// </summary>
    public async Task<DispatchPass> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var claimed = await outbox.ClaimDueAsync(time.GetUtcNow(), settings.BatchSize, settings.Lease, cancellationToken);
        if (claimed.Count == 0)
            return DispatchPass.None;

        // A claim holds at most one entry per conversation, so sending in parallel keeps each customer's order.
        var outcomes = new Task<Result>[claimed.Count];
        await Parallel.ForAsync(0, claimed.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelSends, CancellationToken = cancellationToken },
            async (index, token) => outcomes[index] = await SendOneAsync(claimed[index], token, cancellationToken));
        return new DispatchPass(claimed.Count, RecordAsync(outcomes));
    }

    private async Task<DispatchSummary> RecordAsync(Task<Result>[] outcomes)
    {
        var results = await Task.WhenAll(outcomes);
        var summary = new DispatchSummary(results.Length,
            results.Count(r => r == Result.Sent), results.Count(r => r == Result.Retried),
            results.Count(r => r == Result.Failed), results.Count(r => r == Result.Expired));
        Dispatched?.Invoke(summary);
        return summary;
    }

    /// <summary>Sends one claimed entry; the returned task records its outcome (its write already handed to the outbox).</summary>
    /// <remarks>
    /// The send runs on the pass's token; the outcome's write on the caller's (<paramref name="cancellationToken"/>),
    /// since it outlives the parallel loop.
    /// </remarks>
    private async Task<Task<Result>> SendOneAsync(OutboxEntry entry, CancellationToken sending, CancellationToken cancellationToken)
    {
        var message = entry.Message;
        if (message.ExpiresAt <= time.GetUtcNow())
            return ExpireAsync(entry, $"expired before attempt {entry.Attempts}" + (entry.LastError is { } last ? $" (last error: {last})" : ""), cancellationToken);

        SendOutcome outcome;
        try
        {
            outcome = await sender.SendAsync(message, sending);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !sending.IsCancellationRequested)
        {
            logger.SendThrew(exception, message.Id);
            outcome = SendOutcome.Transient($"sender threw {exception.GetType().Name}: {exception.Message}");
        }
        return DispatchOneAsync(entry, outcome, cancellationToken);
    }

    /// <summary>Records a send's outcome: sent, retried with the <see cref="RetryPolicy"/>, failed or expired.</summary>
    private async Task<Result> DispatchOneAsync(OutboxEntry entry, SendOutcome outcome, CancellationToken cancellationToken)
    {
        var message = entry.Message;
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
