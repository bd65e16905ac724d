using System.Globalization;
using FlowAutomation.State;

namespace FlowAutomation.Runtime;

public sealed partial class FlowEngine
{
    /// <summary>The trace's event type of a message a person sent from TikTok's app.</summary>
    public const string AgentSentEvent = "agent.sent";

    /// <summary>
    /// Records a message a person sent from TikTok's app in the conversation: it uses the window's quota like the
    /// automation's messages do (facts document, section 9), so the guard allows the automation only what is left.
    /// Nothing is sent, no flow runs, no follow-up is cancelled. It runs in the conversation's lane and commits as an
    /// event does (one compare-and-swap on the state, run again from the stored state when another writer saved first).
    /// </summary>
    public ValueTask<bool> RecordAgentMessageAsync(AgentMessage message, CancellationToken cancellationToken = default) =>
        RecordAgentMessageAsync(message, null, cancellationToken);

    /// <summary>
    /// Records the message as above, committed together with <paramref name="completes"/> (the work item that delivered
    /// it). False when the store found that item completed before: nothing was committed.
    /// </summary>
    public async ValueTask<bool> RecordAgentMessageAsync(AgentMessage message, CompletedWork? completes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var lane = await _gate.EnterAsync(message.ConversationId, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await _store.FindAsync(message.ConversationId, cancellationToken).ConfigureAwait(false)
                ?? ConversationState.New(message.ConversationId, message.ContactId);
            var now = _clock.GetUtcNow();
            var run = new EventRun(stored, now, $"{message.ConversationId}/agent/{message.MessageId ?? "v" + stored.Version.ToString(CultureInfo.InvariantCulture)}") { Teams = Teams.WithoutReading(), ImageInspector = DeclaredImageInspector.Instance, Traced = _store.WantsTrace };
            if (run.State.ChangesContact(message.ContactId, null, null, null))
            {
                run.Draft.ApplyContact(message.ContactId, null, null, null);
            }

            run.Draft.ApplyAgentSend(message.At, Options.Policy);
            if (run.Traced)
            {
                run.Trace.Add(new EventTrace(now, AgentSentEvent, DescribeAgentMessage(message, run.State), 0)
                {
                    ProviderAt = message.ProviderAt,
                    ReceivedAt = message.ReceivedAt,
                    Window = TraceWindow.From(run.State.Allowance(Options.Policy, now)),
                });
            }
            switch (await CommitAsync(run, completes, cancellationToken).ConfigureAwait(false))
            {
                case CommitResult.Committed:
                    return true;
                case CommitResult.AlreadyDone:
                    return false;
            }
        }

        throw new InvalidOperationException($"conversation '{message.ConversationId}' kept changing while an agent's message was recorded");
    }

    /// <summary>"agent.sent "text" (message 3 of 10 in the window)": what it was and which slot it used.</summary>
    private string DescribeAgentMessage(AgentMessage message, ConversationState state)
    {
        var what = message.Text is { Length: > 0 } text ? $"{AgentSentEvent} \"{text}\"" : AgentSentEvent;
        var allowance = state.Allowance(Options.Policy, message.At);
        var slot = !allowance.HasWindow ? "before any reply window: counted in the conversation's total only"
            : state.IsBeforeCurrentWindow(message.At) ? "dated before the current reply window opened: counted in the conversation's total only"
            : string.Create(CultureInfo.InvariantCulture, $"message {allowance.Used}{(allowance.Allowed is { } allowed ? $" of {allowed}" : " (no limit)")} {(allowance.IsOpen ? "in the window" : "after the window")}");
        return $"{what} ({slot})";
    }
}
