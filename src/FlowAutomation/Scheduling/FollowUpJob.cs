using FlowAutomation.Model;

namespace FlowAutomation.Scheduling;

/// <summary>
/// A follow-up waiting to run: which flow's which follow-up (<see cref="FollowUpId"/> as the compiler names it,
/// e.g. <c>lead-thank-you#1</c>), for which conversation, started by which event. <see cref="Id"/> is derived from
/// those, so scheduling the same activation twice schedules it once.
/// </summary>
public sealed record FollowUpJob(string ConversationId, string ContactId, string FlowId, string FollowUpId, DateTimeOffset ActivatedAt, DateTimeOffset DueAt, FlowEvent Trigger)
{
    public string Id => $"{ConversationId}/{FollowUpId}/{ActivatedAt.UtcTicks}";
}

/// <summary>Runs a follow-up when it falls due; the runtime implements it and re-decides everything at that moment.</summary>
public interface IFollowUpHandler
{
    ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken);
}

/// <summary>
/// Schedules follow-ups. Implementations: <see cref="VirtualFollowUpScheduler"/> on the dry run's virtual clock, and
/// Hangfire with the <c>follow_ups</c> table in the live service. Both pass FollowUpSchedulerContractTests.
/// </summary>
public interface IFollowUpScheduler
{
    /// <summary>Schedules the job; a job with the same <see cref="FollowUpJob.Id"/> already scheduled is left as it is.</summary>
    ValueTask ScheduleAsync(FollowUpJob job, CancellationToken cancellationToken);

    /// <summary>Removes a scheduled job; false when it was not scheduled (already fired or cancelled).</summary>
    ValueTask<bool> CancelAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The jobs still scheduled for a conversation, by due time.</summary>
    ValueTask<IReadOnlyList<FollowUpJob>> PendingAsync(string conversationId, CancellationToken cancellationToken);
}
