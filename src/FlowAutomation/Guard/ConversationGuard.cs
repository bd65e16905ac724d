using FlowAutomation.Policy;
using FlowAutomation.State;

namespace FlowAutomation.Guard;

/// <summary>
/// The guard over a conversation store: decides each outbound message against the stored state and, when it
/// allows it, saves the reservation with a compare-and-swap on the state's version. If another decision or event
/// for the same conversation saved in between, it reads again and decides again, so that concurrent decisions on
/// one node or many can never together exceed a window's quota.
/// </summary>
public sealed class ConversationGuard(IConversationStore store, PolicyProfile profile)
{
    public PolicyProfile Profile { get; } = profile ?? throw new ArgumentNullException(nameof(profile));

    public IConversationStore Store { get; } = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>
    /// Decides <paramref name="message"/> for the conversation at <paramref name="now"/> (the caller's clock) and, if
    /// allowed, reserves its slot. The decision is returned either way; a refusal changes nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The conversation changed on every one of many attempts.</exception>
    public async ValueTask<GuardDecision> DecideAsync(string conversationId, MessageDraft message, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var attempt = 0; attempt < ConversationStoreExtensions.MaxAttempts; attempt++)
        {
            var state = await Store.GetOrNewAsync(conversationId, cancellationToken);
            var decision = MessageGuard.Decide(state, message, Profile, now);
            if (!decision.IsAllowed || await Store.TrySaveAsync(MessageGuard.Reserve(state, decision), cancellationToken) is not null)
            {
                return decision;
            }
        }

        throw new InvalidOperationException($"conversation '{conversationId}' changed {ConversationStoreExtensions.MaxAttempts} times while a message was being decided");
    }

    /// <summary>Records a customer message at <paramref name="at"/> (opens a new window, restarts the counts).</summary>
    public ValueTask<ConversationState> RecordInboundAsync(string conversationId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Store.UpdateAsync(conversationId, s => s.RecordInbound(at, Profile), cancellationToken);

    /// <summary>Records a lead-ad submission at <paramref name="at"/> (opens a window when the profile says so).</summary>
    public ValueTask<ConversationState> RecordLeadSubmissionAsync(string conversationId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Store.UpdateAsync(conversationId, s => s.RecordLeadSubmission(at, Profile), cancellationToken);
}
