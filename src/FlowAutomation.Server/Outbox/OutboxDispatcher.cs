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
        /// <summary>Its lease ended before its turn came: not sent, nothing recorded; the next claim takes it again.</summary>
        LeaseEnded,
    }

    /// <summary>Raised after each pass that claimed something, once every outcome is recorded.</summary>
    public event Action<DispatchSummary>? Dispatched;

    /// <summary>Claims what is due, sends it, and returns once every outcome is recorded.</summary>
    public async Task<DispatchSummary> DispatchDueAsync(CancellationToken cancellationToken = default) =>
        await (await SendDueAsync(cancellationToken)).Recorded;

    /// <summary>
    /// Claims what is due and sends it; returns when every send has answered, with the recording of the outcomes
    /// (<see cref="DispatchPass.Recorded"/>: one <see cref="IOutbox.RecordAsync"/> for the pass) under way. On SQLite
    /// that write is queued before this returns, so the next pass's claim is queued behind it and, in the same shared
    /// transaction, sees it: the next pass need not wait for the outcomes to commit.
    /// </summary>
    public async Task<DispatchPass> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var claimed = await outbox.ClaimDueAsync(time.GetUtcNow(), settings.BatchSize, settings.Lease, cancellationToken);
        if (claimed.Count == 0)
            return DispatchPass.None;

        // A claim holds at most one entry per conversation, so sending in parallel (and several in one request) keeps
        // each customer's order.
        var outcomes = new (Result Result, OutboxOutcome? Outcome)[claimed.Count];
        var perRequest = Math.Max(1, sender.MessagesPerRequest);
        var requests = (claimed.Count + perRequest - 1) / perRequest;
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelSends, CancellationToken = cancellationToken },
            async (request, token) =>
            {
                var from = request * perRequest;
                await SendSomeAsync(claimed, from, Math.Min(perRequest, claimed.Count - from), outcomes, token);
            });
        return new DispatchPass(claimed.Count, RecordAsync(claimed, outcomes, cancellationToken));
    }

    private async Task<DispatchSummary> RecordAsync(IReadOnlyList<OutboxEntry> claimed, (Result Result, OutboxOutcome? Outcome)[] outcomes, CancellationToken cancellationToken)
    {
        await outbox.RecordAsync([.. outcomes.Where(o => o.Outcome is not null).Select(o => o.Outcome!)], cancellationToken);
        for (var i = 0; i < outcomes.Length; i++)
        {
            var (message, outcome) = (claimed[i].Message, outcomes[i].Outcome);
            if (outcome is null)
            {
                logger.LeaseEnded(message.Id);
                continue;
            }
            switch (outcome.Status)
            {
                case OutboxStatus.Sent:
                    logger.MessageSent(message.Id, message.Destination, message.ConversationId ?? "-");
                    break;
                case OutboxStatus.Failed:
                    logger.OutboxFailed(message.Id, outcome.Reason ?? "");
                    break;
                case OutboxStatus.Expired:
                    logger.OutboxExpired(message.Id, outcome.Reason ?? "");
                    break;
            }
        }
        var summary = new DispatchSummary(outcomes.Length,
            outcomes.Count(o => o.Result == Result.Sent), outcomes.Count(o => o.Result == Result.Retried),
            outcomes.Count(o => o.Result == Result.Failed), outcomes.Count(o => o.Result == Result.Expired));
        Dispatched?.Invoke(summary);
        return summary;
    }

    /// <summary>
    /// Sends <paramref name="count"/> claimed entries from <paramref name="from"/> together (one request of
    /// <see cref="IMessageSender.SendManyAsync"/>; one entry when the sender takes one at a time), or expires them unsent,
    /// and decides each one's outcome, recorded with the pass's. Lease and expiry are checked per entry when their
    /// request's turn comes (<see cref="Unsendable"/>).
    /// </summary>
    private async Task SendSomeAsync(IReadOnlyList<OutboxEntry> claimed, int from, int count, (Result, OutboxOutcome?)[] outcomes, CancellationToken cancellationToken)
    {
        var sending = new List<int>(count);
        for (var i = from; i < from + count; i++)
        {
            if (Unsendable(claimed[i]) is { } unsendable)
                outcomes[i] = unsendable;
            else
                sending.Add(i);
        }
        if (sending.Count == 0)
            return;
        IReadOnlyList<SendOutcome> answers;
        try
        {
            answers = await sender.SendManyAsync([.. sending.Select(i => claimed[i].Message)], cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.SendThrew(exception, claimed[sending[0]].Message.Id);
            var failed = SendOutcome.Transient($"sender threw {exception.GetType().Name}: {exception.Message}");
            answers = [.. sending.Select(_ => failed)];
        }
        for (var k = 0; k < sending.Count; k++)
            outcomes[sending[k]] = Decide(claimed[sending[k]], answers[k]);
    }

    /// <summary>
    /// The outcome of an entry that is not to be sent now, or null. An entry whose lease ended while it waited for its
    /// turn in the pass (a slow provider, a long pass) is neither sent nor recorded: another dispatcher (another node on
    /// PostgreSQL) may have claimed it since, and sending it here too would reach the customer twice. An expired one is
    /// expired unsent.
    /// </summary>
    private (Result, OutboxOutcome?)? Unsendable(OutboxEntry entry)
    {
        if (entry.ClaimedUntil is { } leaseEnd && leaseEnd <= time.GetUtcNow())
            return (Result.LeaseEnded, null);
        if (entry.Message.ExpiresAt <= time.GetUtcNow())
            return Expire(entry, $"expired before attempt {entry.Attempts}" + (entry.LastError is { } last ? $" (last error: {last})" : ""));
        return null;
    }

    /// <summary>An attempted entry's outcome from the sender's answer: transient failures are retried while attempts and expiry allow.</summary>
    private (Result, OutboxOutcome?) Decide(OutboxEntry entry, SendOutcome outcome)
    {
        var message = entry.Message;
        var now = time.GetUtcNow();
        switch (outcome.Kind)
        {
            case SendOutcomeKind.Sent:
                return (Result.Sent, OutboxOutcome.Sent(message.Id, outcome.ProviderMessageId, now));
            case SendOutcomeKind.Expired:
                return Expire(entry, outcome.Reason ?? "expired");
            case SendOutcomeKind.Permanent:
                return (Result.Failed, OutboxOutcome.Failed(message.Id, outcome.Reason ?? "permanent failure", now));
        }

        var reason = outcome.Reason ?? "transient failure";
        if (entry.Attempts >= retry.MaxAttempts)
            return (Result.Failed, OutboxOutcome.Failed(message.Id, $"gave up after {entry.Attempts} attempts: {reason}", now));
        var next = now + retry.DelayAfter(entry.Attempts, outcome.RetryAfter);
        if (next >= message.ExpiresAt)
            return Expire(entry, $"next attempt would fall after the message's expiry: {reason}");
        return (Result.Retried, OutboxOutcome.Retry(message.Id, next, reason));
    }

    private (Result, OutboxOutcome?) Expire(OutboxEntry entry, string reason) =>
        (Result.Expired, OutboxOutcome.Expired(entry.Id, reason, time.GetUtcNow()));
}
