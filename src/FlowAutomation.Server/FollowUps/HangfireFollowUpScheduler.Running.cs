using System.Collections.Concurrent;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// What a Hangfire job of a follow-up does. Two measured pitfalls are handled here. Hangfire keeps its schedule in
/// whole seconds and started jobs up to 0.6 s early, so a run first checks the due time against the injected clock
/// and waits out the rest on it. Delivery is at least once (a requeued job ran again), so a run claims its row: the
/// engine's commit carries <see cref="FlowAutomation.Runtime.FollowUpFired"/>, which changes the row from
/// <c>scheduled</c> to <c>fired</c> in the transaction of the engine's work, and a commit that finds the row no longer
/// scheduled writes nothing. A run that finds it so before it starts does not reach the engine.
/// </summary>
internal sealed partial class HangfireFollowUpScheduler
{
    private readonly ConcurrentDictionary<string, byte> _waiting = new(StringComparer.Ordinal);

    /// <summary>Raised after each run has finished (committed, skipped or failed), with the follow-up's id.</summary>
    public event Action<string>? Completed;

    /// <summary>
    /// Raised when a run starts or stops waiting for its due time, when it finishes, and (on a firing instance) after
    /// Hangfire has committed a new state of a job, such as the <c>Succeeded</c> it records once a run has returned.
    /// </summary>
    public event Action? Changed;

    /// <summary>The follow-ups whose runs wait, on the injected clock, for their due time.</summary>
    public IReadOnlyCollection<string> Waiting => [.. _waiting.Keys];

    /// <summary>
    /// What a Hangfire run does (and what a test drives directly): skip a follow-up that is no longer scheduled, wait
    /// until it is due on the injected clock, hand it to the handler (the engine, whose commit claims the row), then
    /// set the row <c>fired</c> in case the handler committed nothing of its own (a no-op after the engine's commit).
    /// </summary>
    public async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            if (await followUps.ScheduledAsync(jobId, cancellationToken) is not { } job)
            {
                logger.FollowUpSkipped(jobId, "it is no longer scheduled (fired or cancelled before)");
                return;
            }
            if (await WaitUntilDueAsync(job, cancellationToken) && await followUps.ScheduledAsync(jobId, cancellationToken) is null)
            {
                logger.FollowUpSkipped(jobId, "it was fired or cancelled while this run waited for its due time");
                return;
            }
            await (_handler ?? throw new InvalidOperationException("the follow-up scheduler is not started")).FireAsync(job, cancellationToken);
            await followUps.MarkFiredAsync(jobId, time.GetUtcNow(), cancellationToken);
        }
        finally
        {
            Completed?.Invoke(jobId);
            Changed?.Invoke();
        }
    }

    internal void ReportFailure(string jobId, Exception exception) => logger.FollowUpFailed(exception, jobId);

    /// <summary>Waits on the injected clock until the follow-up is due; true when it had to wait.</summary>
    private async Task<bool> WaitUntilDueAsync(FollowUpJob job, CancellationToken cancellationToken)
    {
        var waited = false;
        while (job.DueAt - time.GetUtcNow() is var rest && rest > TimeSpan.Zero)
        {
            logger.FollowUpEarly(job.Id, rest.TotalMilliseconds);
            // The timer is set before anyone hears of the wait, so a clock moved after the signal reaches it.
            var due = Task.Delay(rest, time, cancellationToken);
            _waiting[job.Id] = 0;
            Changed?.Invoke();
            try
            {
                await due;
            }
            finally
            {
                _waiting.TryRemove(job.Id, out _);
                Changed?.Invoke();
            }
            waited = true;
        }
        return waited;
    }
}
