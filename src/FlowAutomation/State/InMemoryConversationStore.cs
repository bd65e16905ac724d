using System.Collections.Concurrent;

namespace FlowAutomation.State;

/// <summary>
/// Conversation states in process memory, for the dry-run runner, tests and a single-node service. Each
/// conversation has its own lock, held only for the version check and the swap.
/// </summary>
public sealed class InMemoryConversationStore : IConversationStore
{
    private readonly ConcurrentDictionary<string, Slot> slots = new(StringComparer.Ordinal);

    /// <summary>How many conversations the store holds.</summary>
    public int Count => slots.Count(s => s.Value.State is not null);

    public ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(slots.TryGetValue(conversationId, out var slot) ? Volatile.Read(ref slot.State) : null);
    }

    public ValueTask<ConversationState?> TrySaveAsync(ConversationState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        cancellationToken.ThrowIfCancellationRequested();
        var slot = slots.GetOrAdd(state.ConversationId, static _ => new Slot());
        lock (slot)
        {
            if ((slot.State?.Version ?? 0) != state.Version)
            {
                return ValueTask.FromResult<ConversationState?>(null);
            }

            var saved = state with { Version = state.Version + 1 };
            Volatile.Write(ref slot.State, saved);
            return ValueTask.FromResult<ConversationState?>(saved);
        }
    }

    private sealed class Slot
    {
        public ConversationState? State;
    }
}
