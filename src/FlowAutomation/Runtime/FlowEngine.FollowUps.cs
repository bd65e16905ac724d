using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>Follow-ups: cancelled when the customer writes (with <c>unless: customer_replied</c>), re-decided when they fall due.</summary>
public sealed partial class FlowEngine
{
    /// <summary>
    /// Runs a follow-up that fell due, deciding everything now, against the conversation as it is: the customer may have
    /// replied, the window may have closed, the flow may have changed. Called by the scheduler. The commit completes the
    /// follow-up (<see cref="FollowUpFired"/>): a store that keeps follow-ups marks it fired in the same transaction, and
    /// one fired before is not run again.
    /// </summary>
    public async ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var lane = await _gate.EnterAsync(job.ConversationId, cancellationToken).ConfigureAwait(false);
        ImageLookups? images = null; // made on the first image reply, kept across the follow-up's runs
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await _store.FindAsync(job.ConversationId, cancellationToken).ConfigureAwait(false)
                ?? ConversationState.New(job.ConversationId, job.ContactId);
            var run = new EventRun(stored, _clock.GetUtcNow(), $"{job.Id}/fire") { Teams = await Teams.ReadAsync(_store, stored, cancellationToken).ConfigureAwait(false), ImageInspector = Options.Images, KnownImages = images, Traced = _store.WantsTrace };
            if (run.Traced)
            {
                run.Trace.Add(new EventTrace(run.Now, "follow_up", $"follow-up {job.FollowUpId} of {job.FlowId} is due", 0)
                {
                    Window = TraceWindow.From(run.State.Allowance(Options.Policy, run.Now)),
                });
            }
            FireInto(run, job);
            images = run.KnownImages;
            if (!await run.InspectWantedImagesAsync(cancellationToken).ConfigureAwait(false)
                && await CommitAsync(run, new FollowUpFired(job.Id), cancellationToken).ConfigureAwait(false) is not CommitResult.Conflict)
            {
                return;
            }
        }

        throw new InvalidOperationException($"conversation '{job.ConversationId}' kept changing while follow-up {job.FollowUpId} ran");
    }

    private void FireInto(EventRun run, FollowUpJob job)
    {
        if (_followUps.Find(job.FollowUpId) is not { } followUp)
        {
            Skip(run, job, null, "the flow no longer has this follow-up (the flows were changed)");
            return;
        }

        var node = _paths.Of(followUp);
        if (followUp.UnlessCustomerReplied && run.State.LastInboundAt > job.ActivatedAt)
        {
            if (run.Traced)
            {
                run.Trace.Add(new ActionTrace(run.Now, job.FlowId, "follow_up", ActionStatus.Cancelled, null, null, $"follow-up {job.FollowUpId} cancelled: the customer replied") { Node = node });
            }
            return;
        }

        if (followUp.When is not null)
        {
            var explanation = _followUps.Explain(job.FollowUpId, run.Facts(job.Trigger, Options));
            if (!explanation.Fired)
            {
                Skip(run, job, node, "its 'when' does not hold now");
                if (Options.ExplainConditions)
                {
                    if (run.Traced)
                    {
                        run.Trace.Add(new RuleTrace(run.Now, job.FollowUpId, "follow_up", false, ExplanationLines.WhyNot(explanation), ExplanationLines.From(explanation.Condition)));
                    }
                }

                return;
            }
        }

        if (run.Traced)
        {
            run.Trace.Add(new ActionTrace(run.Now, job.FlowId, "follow_up", ActionStatus.Done, null, null, $"follow-up {job.FollowUpId} runs") { Node = node });
        }
        var (tags, _) = _actions.Run(run, job.FlowId, job.Trigger, followUp.Then);

        // Tags a follow-up adds raise contact.tagged like any other tag (the rule engine chains only a flow's own tags).
        foreach (var tag in tags)
        {
            var tagged = FlowEvent.ContactTagged(run.Now, tag);
            if (run.Traced)
            {
                run.Trace.Add(new EventTrace(run.Now, EventNames.Name(tagged.Kind), EventNames.Describe(tagged), 1));
            }
            Evaluate(run, tagged);
        }
    }

    private static void Skip(EventRun run, FollowUpJob job, string? node, string why)
    {
        if (run.Traced)
        {
            run.Trace.Add(new ActionTrace(run.Now, job.FlowId, "follow_up", ActionStatus.Skipped, null, null, $"follow-up {job.FollowUpId} skipped: {why}") { Node = node });
        }
    }

    /// <summary>The customer wrote: follow-ups waiting with <c>unless: customer_replied</c> are cancelled when the run commits.</summary>
    private async ValueTask CancelOnReplyAsync(EventRun run, CancellationToken cancellationToken)
    {
        foreach (var job in await _store.PendingFollowUpsAsync(run.State.ConversationId, cancellationToken).ConfigureAwait(false))
        {
            if (_followUps.Find(job.FollowUpId) is { UnlessCustomerReplied: true } followUp)
            {
                run.Cancel.Add((job, "the customer replied"));
                if (run.Traced)
                {
                    run.Trace.Add(new ActionTrace(run.Now, job.FlowId, "follow_up", ActionStatus.Cancelled, null, null, $"follow-up {job.FollowUpId} cancelled: the customer replied") { Node = _paths.Of(followUp) });
                }
            }
        }
    }
}
