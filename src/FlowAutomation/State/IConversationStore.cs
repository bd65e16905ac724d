namespace FlowAutomation.State;

/// <summary>
/// Where conversation states live, keyed by conversation id. Writes are compare-and-swap on
/// <see cref="ConversationState.Version"/>, so that two decisions for one conversation at the same moment can never
/// both use the last slot of a window, on one node or many: a database store saves with a conditional
/// <c>UPDATE … SET version = version + 1 WHERE id = @id AND version = @expected</c> (or an
/// <c>INSERT</c> that fails on an existing key for version 0), and reports a lost race as <c>null</c>.
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
}
