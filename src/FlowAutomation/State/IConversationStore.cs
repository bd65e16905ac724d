namespace FlowAutomation.State;

/// <summary>
/// Where conversation states live, keyed by conversation id. Writes are compare-and-swap on
/// <see cref="ConversationState.Version"/>, so that two decisions for one conversation at the same moment can never
/// both use the last slot of a window, on one node or many: a database store saves with a conditional
/// <c>UPDATE … SET version = version + 1 WHERE id = @id AND version = @expected</c> (or an
/// <c>INSERT</c> that fails on an existing key for version 0), and reports a lost race as <c>null</c>.
/// The store also answers what <c>assign</c> needs: the open conversations of each agent and the round-robin turn of
/// each team, which a save advances together with the state.
/// Every implementation passes the contract tests in <c>ConversationStoreContractTests</c>.
/// </summary>
public interface IConversationStore
{
    /// <summary>The stored state of the conversation, or <c>null</c> when nothing was saved for it yet.</summary>
    ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves <paramref name="state"/> if the stored version still equals <c>state.Version</c> (0: nothing stored
    /// yet). Returns the saved state, whose version is one higher, or <c>null</c> when another writer saved first;
    /// the caller then reads again and re-decides.
    /// </summary>
    ValueTask<ConversationState?> TrySaveAsync(ConversationState state, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="TrySaveAsync(ConversationState, CancellationToken)"/>, and moves each team's round-robin turn as
    /// <paramref name="turns"/> say, all or nothing: <c>null</c> (and nothing saved) when the version or any team's
    /// stored turn is not the one the caller read.
    /// </summary>
    ValueTask<ConversationState?> TrySaveAsync(ConversationState state, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many open (not closed) conversations are assigned to each of <paramref name="assignees"/>; every agent
    /// asked for is in the answer, with 0 when none.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken = default);

    /// <summary>The stored round-robin turn of each of <paramref name="teams"/> (0 for a team never assigned in turn).</summary>
    ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken = default);
}

/// <summary>
/// A team's round-robin turn moving from <see cref="From"/> (what the caller read) to <see cref="To"/> when a
/// conversation is saved: the member at <c>turn % members</c> is the next one to take a conversation.
/// </summary>
public readonly record struct TeamTurn(string Team, long From, long To);
