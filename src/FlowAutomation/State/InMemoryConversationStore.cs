using System.Collections.Concurrent;

namespace FlowAutomation.State;

/// <summary>
/// Conversation states in process memory, for the dry-run runner, tests and a single-node service. Each
/// conversation has its own lock, held only for the version check and the swap; a save that moves team turns also
/// holds the turns' lock, so that the turns and the state change together. The open conversations of each agent are
/// counted as states are saved.
/// </summary>
public sealed class InMemoryConversationStore : IConversationStore
{
    private readonly ConcurrentDictionary<string, Slot> slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> teamTurns = new(StringComparer.Ordinal);
    private readonly Lock turnsGate = new();

    // The open conversations of each agent, moved on every save that opens, closes or reassigns one (a read of the
    // counts does not walk the conversations).
    private readonly Dictionary<string, int> openByAgent = new(StringComparer.Ordinal);
    private readonly Lock openGate = new();

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
        return ValueTask.FromResult(Swap(state, keep: false));
    }

    public ValueTask<ConversationState?> TrySaveAsync(ConversationState state, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(turns);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Save(state, turns, keep: false));
    }

    /// <summary>
    /// As <see cref="TrySaveAsync(ConversationState, IReadOnlyCollection{TeamTurn}, CancellationToken)"/> for a draft that
    /// nobody else holds or will change (the engine's, see <c>ConversationState.Draft</c>): the store keeps that object,
    /// its version raised in place, instead of a copy. Returns it, or <c>null</c> (and leaves it as it was) on a conflict.
    /// </summary>
    internal ConversationState? TryKeep(ConversationState draft, IReadOnlyCollection<TeamTurn> turns) => Save(draft, turns, keep: true);

    private ConversationState? Save(ConversationState state, IReadOnlyCollection<TeamTurn> turns, bool keep)
    {
        if (turns.Count == 0)
        {
            return Swap(state, keep);
        }

        lock (turnsGate)
        {
            if (turns.Any(t => teamTurns.GetValueOrDefault(t.Team) != t.From))
            {
                return null;
            }

            var saved = Swap(state, keep);
            if (saved is not null)
            {
                foreach (var turn in turns)
                {
                    teamTurns[turn.Team] = turn.To;
                }
            }

            return saved;
        }
    }

    public ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignees);
        cancellationToken.ThrowIfCancellationRequested();
        lock (openGate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, int>>(
                assignees.Distinct(StringComparer.Ordinal).ToDictionary(a => a, a => openByAgent.GetValueOrDefault(a), StringComparer.Ordinal));
        }
    }

    public ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(teams);
        cancellationToken.ThrowIfCancellationRequested();
        lock (turnsGate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(
                teams.Distinct(StringComparer.Ordinal).ToDictionary(t => t, t => teamTurns.GetValueOrDefault(t), StringComparer.Ordinal));
        }
    }

    private ConversationState? Swap(ConversationState state, bool keep)
    {
        var slot = slots.GetOrAdd(state.ConversationId, static _ => new Slot());
        lock (slot)
        {
            if ((slot.State?.Version ?? 0) != state.Version)
            {
                return null;
            }

            var saved = keep ? state.ApplyVersion(state.Version + 1) : state with { Version = state.Version + 1 };
            CountOpen(slot.State, saved);
            Volatile.Write(ref slot.State, saved);
            return saved;
        }
    }

    /// <summary>Moves the conversation's place in the open counts from the agent it was open with to the one it is open with now.</summary>
    private void CountOpen(ConversationState? was, ConversationState now)
    {
        var (from, to) = (OpenWith(was), OpenWith(now));
        if (from == to)
        {
            return;
        }

        lock (openGate)
        {
            if (from is not null)
            {
                var left = openByAgent[from] - 1;
                if (left == 0)
                {
                    openByAgent.Remove(from);
                }
                else
                {
                    openByAgent[from] = left;
                }
            }

            if (to is not null)
            {
                openByAgent[to] = openByAgent.GetValueOrDefault(to) + 1;
            }
        }
    }

    private static string? OpenWith(ConversationState? state) => state is { Closed: false, Assignee: { } agent } ? agent : null;

    private sealed class Slot
    {
        public ConversationState? State;
    }
}
