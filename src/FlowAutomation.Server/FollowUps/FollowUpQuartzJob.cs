using Quartz;
using Quartz.Extensibility;

namespace FlowAutomation.Server.FollowUps;

/// <summary>The Quartz job of one follow-up: runs it through <see cref="QuartzFollowUpScheduler.RunAsync"/>.</summary>
internal sealed class FollowUpQuartzJob(QuartzFollowUpScheduler scheduler) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.RunAsync(context.JobDetail.Key.Name, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The row stays scheduled; the next reconciliation hands it to Quartz again.
            scheduler.ReportFailure(context.JobDetail.Key.Name, exception);
        }
    }
}

/// <summary>Builds <see cref="FollowUpQuartzJob"/>s bound to their scheduler.</summary>
internal sealed class FollowUpJobFactory(QuartzFollowUpScheduler scheduler) : IJobFactory
{
    public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler quartz, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new JobScope(new FollowUpQuartzJob(scheduler), scheduler));

    public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
