using System.Collections.Immutable;

namespace FlowAutomation.Runtime;

/// <summary>
/// Picks an agent of a team for <c>assign</c>: <c>round_robin</c> takes members in turn, <c>least_open</c> the member
/// with the fewest open conversations (ties in member order). Counts what it assigns; thread-safe.
/// </summary>
public sealed class TeamDirectory(ImmutableDictionary<string, ImmutableArray<string>> teams)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _turns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    public ImmutableDictionary<string, ImmutableArray<string>> Teams { get; } = teams;

    /// <summary>The agent to assign, or null when the team has no members listed (the conversation goes to the team).</summary>
    public string? Pick(string team, Model.AssignStrategy strategy)
    {
        if (!Teams.TryGetValue(team, out var members) || members.IsEmpty)
        {
            return null;
        }

        lock (_gate)
        {
            if (strategy == Model.AssignStrategy.LeastOpen)
            {
                return members.MinBy(m => _open.GetValueOrDefault(m));
            }

            var turn = _turns.GetValueOrDefault(team);
            _turns[team] = turn + 1;
            return members[turn % members.Length];
        }
    }

    /// <summary>Moves one open conversation from <paramref name="from"/> to <paramref name="to"/> (either may be null).</summary>
    public void Reassign(string? from, string? to)
    {
        lock (_gate)
        {
            if (from is not null && _open.TryGetValue(from, out var n) && n > 0)
            {
                _open[from] = n - 1;
            }

            if (to is not null)
            {
                _open[to] = _open.GetValueOrDefault(to) + 1;
            }
        }
    }

    public int OpenCount(string agent)
    {
        lock (_gate)
        {
            return _open.GetValueOrDefault(agent);
        }
    }
}
