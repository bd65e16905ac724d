using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>
/// Where the engine reads a conversation and commits what an event did to it. A commit saves the new state (a
/// compare-and-swap on its version, as <see cref="IConversationStore.TrySaveAsync(ConversationState, CancellationToken)"/>)
/// together with the messages the guard allowed and the team turns its <c>assign</c> actions took: a database store
/// does all of it in one transaction, so that a reservation never exists without its outbox row or the other way
/// round, and a turn moves only when the event's commit succeeds. Null means another writer saved first (the
/// conversation, or another conversation's turn of the same team); the engine then runs the event again.
/// </summary>
public interface IEngineStore
{
    ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>The open conversations assigned to each agent, as <see cref="IConversationStore.CountOpenAsync"/>.</summary>
    ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken);

    /// <summary>The teams' round-robin turns, as <see cref="IConversationStore.FindTurnsAsync"/>.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken);

    ValueTask<ConversationState?> CommitAsync(ConversationState state, IReadOnlyList<OutgoingMessage> messages, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken);
}

/// <summary>
/// An <see cref="IEngineStore"/> over a conversation store and an outbox that share no transaction: the state (with
/// the team turns) is saved first, then the messages are enqueued. Right for memory and the dry run.
/// </summary>
public sealed class EngineStore(IConversationStore conversations, IMessageOutbox outbox) : IEngineStore
{
    public ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken) =>
        conversations.FindAsync(conversationId, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken) =>
        conversations.CountOpenAsync(assignees, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken) =>
        conversations.FindTurnsAsync(teams, cancellationToken);

    public async ValueTask<ConversationState?> CommitAsync(ConversationState state, IReadOnlyList<OutgoingMessage> messages, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken)
    {
        var saved = await conversations.TrySaveAsync(state, turns, cancellationToken).ConfigureAwait(false);
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
