using System.Collections.Concurrent;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// What this node's inbox processor read of a conversation in the round trip that took its lock (the stored state and
/// its scheduled follow-ups, <see cref="PostgresInboxTable.LockAndReadAsync"/>), kept for the engine's first reads of
/// that conversation (<see cref="PostgresEngineStore"/>), each taken once: two round trips and two pooled connections
/// less per event. The reads are what the engine would have read itself: committed rows, read once the lock was held,
/// outside the commit's transaction; a state changed meanwhile (a follow-up firing on this node) is still caught by the
/// commit's compare-and-swap, and the engine's next attempt reads again. The processor forgets what is left after each
/// item it runs, so a read never outlives the item it was taken for.
/// </summary>
internal sealed class PostgresHeldReads
{
    private readonly ConcurrentDictionary<string, StoredState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<FollowUpJob>> _followUps = new(StringComparer.Ordinal);

    /// <summary>Keeps the conversation's state (null: none stored yet) and scheduled follow-ups for the engine's next reads.</summary>
    public void Keep(string conversationId, ConversationState? state, IReadOnlyList<FollowUpJob> followUps)
    {
        _states[conversationId] = new StoredState(state);
        _followUps[conversationId] = followUps;
    }

    /// <summary>The kept state, once; false when none is kept (read it from the table).</summary>
    public bool TryTakeState(string conversationId, out ConversationState? state)
    {
        var taken = _states.TryRemove(conversationId, out var kept);
        state = kept?.State;
        return taken;
    }

    /// <summary>The kept scheduled follow-ups, once; false when none are kept (read them from the table).</summary>
    public bool TryTakeFollowUps(string conversationId, out IReadOnlyList<FollowUpJob> followUps)
    {
        var taken = _followUps.TryRemove(conversationId, out var kept);
        followUps = kept ?? [];
        return taken;
    }

    /// <summary>Drops what is still kept of the conversation.</summary>
    public void Forget(string conversationId)
    {
        _states.TryRemove(conversationId, out _);
        _followUps.TryRemove(conversationId, out _);
    }

    private sealed record StoredState(ConversationState? State);
}
