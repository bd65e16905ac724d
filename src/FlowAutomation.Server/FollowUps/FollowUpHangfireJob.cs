using Hangfire;

namespace FlowAutomation.Server.FollowUps;

/// <summary>
/// The Hangfire job of one follow-up: it carries only the follow-up's id and runs it through
/// <see cref="HangfireFollowUpScheduler.RunAsync"/>. Hangfire retries nothing: a failed run stays <c>Failed</c> in the
/// dashboard, its row stays scheduled, and the next reconciliation hands it over again.
/// </summary>
[Queue(HangfireFollowUpScheduler.Queue)]
[AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
internal sealed class FollowUpHangfireJob(HangfireFollowUpScheduler scheduler)
{
    /// <param name="followUpId">The <c>follow_ups</c> row's id.</param>
    /// <param name="cancellationToken">Hangfire's: cancelled when the server stops or the job is deleted.</param>
    public async Task RunAsync(string followUpId, CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.RunAsync(followUpId, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            scheduler.ReportFailure(followUpId, exception);
            throw;
        }
    }
}

/// <summary>Builds <see cref="FollowUpHangfireJob"/>s bound to their scheduler (no global activator).</summary>
internal sealed class FollowUpJobActivator(HangfireFollowUpScheduler scheduler) : JobActivator
{
    public override object ActivateJob(Type jobType) =>
        jobType == typeof(FollowUpHangfireJob) ? new FollowUpHangfireJob(scheduler) : base.ActivateJob(jobType);
}
