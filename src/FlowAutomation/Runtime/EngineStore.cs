using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>
/// Where the engine reads a conversation and commits what an event did to it. A commit saves the new state (a
/// compare-and-swap on its version, as <see cref="IConversationStore.TrySaveAsync"/>) together with the messages the
/// guard allowed: a database store does both in one transaction, so that a reservation never exists without its
/// outbox row or the other way round. Null means another writer saved first; the engine then runs the event again.
/// </summary>
public interface IEngineStore
{
    ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken);

    ValueTask<ConversationState?> CommitAsync(ConversationState state, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken);
}

/// <summary>
/// An <see cref="IEngineStore"/> over a conversation store and an outbox that share no transaction: the state is
/// saved first, then the messages are enqueued. Right for memory and the dry run.
/// </summary>
public sealed class EngineStore(IConversationStore conversations, IMessageOutbox outbox) : IEngineStore
{
    public ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken) =>
        conversations.FindAsync(conversationId, cancellationToken);

    public async ValueTask<ConversationState?> CommitAsync(ConversationState state, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var saved = await conversations.TrySaveAsync(state, cancellationToken).ConfigureAwait(false);
        if (saved is not null)
        {
            foreach (var message in messages)
            {
                await outbox.EnqueueAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }

        return saved;
    }
}
