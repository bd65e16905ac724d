using System.Collections.Concurrent;
using FlowAutomation.Scheduling;
using FlowAutomation.State;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// What this node's inbox processor read of a conversation in the round trip that took its lock (the stored state and
/// its scheduled follow-ups, <see cref="PostgresInboxTable.LockAndReadAsync"/>), kept for the engine's first reads of
/// that conversation (<see cref="PostgresEngineStore"/>), each taken once: two round trips and two pooled connections
/// less per event. The reads are what the engine would have read itself: committed rows, read once the lock was held,
/// outside the commit's transaction; a state changed meanwhile (a follow-up firing on this node) is still caught by the
/// commit's compare-and-swap, and the engine's next attempt reads again. The processor forgets what is left after each
/// item it runs, so a read never outlives the item it was taken for.
/// The transaction that holds the lock is kept too, for the commit of the hold's last row (<see cref="KeepTransaction"/>):
/// that commit ends it, and with it the lock, which saves the lock's <c>ROLLBACK</c> round trip and a second pooled
/// connection per event.
/// </summary>
internal sealed class PostgresHeldReads
{
    private readonly ConcurrentDictionary<string, StoredState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<FollowUpJob>> _followUps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, HeldTransaction> _transactions = new();

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

    /// <summary>
    /// Keeps the transaction that holds a conversation's lock for the engine commit that sets inbox row
    /// <paramref name="seq"/> done; the commit that takes it (<see cref="TryTakeTransaction"/>) commits or rolls it back,
    /// and the processor, which owns the connection, disposes of both afterwards.
    /// </summary>
    public void KeepTransaction(long seq, NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        _transactions[seq] = new HeldTransaction(connection, transaction);

    /// <summary>The kept transaction for inbox row <paramref name="seq"/>, once; false when none is kept (open one).</summary>
    public bool TryTakeTransaction(long seq, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HeldTransaction? held) =>
        _transactions.TryRemove(seq, out held);

    /// <summary>Drops the kept transaction of inbox row <paramref name="seq"/>, if no commit took it.</summary>
    public void ForgetTransaction(long seq) => _transactions.TryRemove(seq, out _);

    private sealed record StoredState(ConversationState? State);
}

/// <summary>A connection and the open transaction on it that holds a conversation's lock.</summary>
internal sealed record HeldTransaction(NpgsqlConnection Connection, NpgsqlTransaction Transaction);
