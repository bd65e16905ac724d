using System.Collections.Frozen;
using System.Collections.Immutable;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>
/// The teams of <c>assign</c> and how their agents are picked, counted from the store rather than in memory, so that
/// a flow reload, a restart or an event run twice changes nothing: <c>round_robin</c> takes members in turn from the
/// team's stored turn, which moves only when the event's commit succeeds; <c>least_open</c> takes the member with the
/// fewest open (not closed) conversations assigned in the store, not counting the conversation being assigned (ties
/// in member order). Only the teams the flows assign with a strategy, and that have members listed, are read.
/// </summary>
public sealed class TeamDirectory
{
    private readonly ImmutableArray<string> _turnTeams;
    private readonly ImmutableArray<string> _countedAgents;

    /// <summary>The flows whose own actions (not their follow-ups') pick an agent from a team with members.</summary>
    private readonly FrozenSet<string> _pickingFlows;

    /// <summary>The book of a run that reads nothing (<see cref="WithoutReading"/>): it never changes, so one serves every run.</summary>
    private readonly TeamBook _unread;

    public TeamDirectory(ImmutableDictionary<string, ImmutableArray<string>> teams, IEnumerable<FlowDefinition> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        Teams = teams;
        var picks = flows.SelectMany(f => Assigns(f.Then))
            .Select(a => (Team: CanonicalTeam(a.Team!), a.Strategy))
            .Where(p => p.Team is not null)
            .Distinct()
            .ToList();
        _turnTeams = [.. picks.Where(p => p.Strategy == AssignStrategy.RoundRobin).Select(p => p.Team!).Distinct(StringComparer.Ordinal)];
        _countedAgents = [.. picks.Where(p => p.Strategy == AssignStrategy.LeastOpen).SelectMany(p => Teams[p.Team!]).Distinct(StringComparer.Ordinal)];
        _pickingFlows = flows
            .Where(f => f.Then.Any(a => a is AssignAction { Agent: null, Team: { } team } && CanonicalTeam(team) is not null))
            .Select(f => f.Id)
            .ToFrozenSet(StringComparer.Ordinal);
        _unread = new TeamBook(this, ImmutableDictionary<string, long>.Empty, ImmutableDictionary<string, int>.Empty);
    }

    public ImmutableDictionary<string, ImmutableArray<string>> Teams { get; }

    /// <summary>
    /// Reads what the picks of one run need: the stored turns of the round-robin teams, and the open conversations
    /// of the least-open teams' members without <paramref name="stored"/> (the conversation the run is about).
    /// </summary>
    internal async ValueTask<TeamBook> ReadAsync(IEngineStore store, ConversationState stored, CancellationToken cancellationToken)
    {
        if (_turnTeams.IsEmpty && _countedAgents.IsEmpty)
        {
            return new TeamBook(this, ImmutableDictionary<string, long>.Empty, ImmutableDictionary<string, int>.Empty);
        }

        var turns = _turnTeams.IsEmpty ? ImmutableDictionary<string, long>.Empty : await store.FindTurnsAsync(_turnTeams, cancellationToken).ConfigureAwait(false);
        var open = _countedAgents.IsEmpty ? ImmutableDictionary<string, int>.Empty : await store.CountOpenAsync(_countedAgents, cancellationToken).ConfigureAwait(false);
        if (stored is { Closed: false, Assignee: { } current } && open.TryGetValue(current, out var n) && n > 0)
        {
            open = new Dictionary<string, int>(open, StringComparer.Ordinal) { [current] = n - 1 };
        }

        return new TeamBook(this, turns, open);
    }

    /// <summary>
    /// A book for a run that assigns nothing (an agent's message, or an event none of whose firing flows picks from a
    /// team, see <see cref="PicksFromTeams"/>): it reads nothing, takes no turn, and a pick from a team with members
    /// fails loudly.
    /// </summary>
    internal TeamBook WithoutReading() => _unread;

    /// <summary>Whether running these activations picks an agent from a team with members (and so needs <see cref="ReadAsync"/>).</summary>
    internal bool PicksFromTeams(ImmutableArray<Activation> activations)
    {
        if (_pickingFlows.Count == 0)
        {
            return false;
        }

        foreach (var activation in activations)
        {
            if (_pickingFlows.Contains(activation.Flow.Id))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The team's name as configured (team names are matched as the configuration's dictionary does), or null when it has no members.</summary>
    internal string? CanonicalTeam(string team) => Teams.TryGetKey(team, out var key) && !Teams[key].IsEmpty ? key : null;

    private static IEnumerable<AssignAction> Assigns(IEnumerable<FlowAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case AssignAction { Agent: null, Team: not null } assign:
                    yield return assign;
                    break;
                case FollowUpAction followUp:
                    foreach (var nested in Assigns(followUp.Then))
                    {
                        yield return nested;
                    }

                    break;
            }
        }
    }
}

/// <summary>
/// The picks of one run: agents chosen from the turns and counts read when the run began, and the turns it took,
/// committed with the run (<see cref="IEngineStore.CommitAsync"/>). Thrown away with the run when its commit loses.
/// </summary>
internal sealed class TeamBook(TeamDirectory directory, IReadOnlyDictionary<string, long> turns, IReadOnlyDictionary<string, int> open)
{
    /// <summary>The turns taken per team; made on the first round-robin pick (most runs take none).</summary>
    private Dictionary<string, int>? _taken;

    /// <summary>The turns this run took, to commit with it.</summary>
    public IReadOnlyCollection<TeamTurn> Turns =>
        _taken is null ? [] : [.. _taken.Select(t => new TeamTurn(t.Key, turns[t.Key], turns[t.Key] + t.Value))];

    /// <summary>The agent to assign, or null when the team has no members listed (the conversation goes to the team).</summary>
    public string? Pick(string team, AssignStrategy strategy)
    {
        if (directory.CanonicalTeam(team) is not { } key)
        {
            return null;
        }

        var members = directory.Teams[key];
        if (strategy == AssignStrategy.LeastOpen)
        {
            return members.MinBy(m => open.TryGetValue(m, out var n) ? n : throw Unread(key));
        }

        var start = turns.TryGetValue(key, out var turn) ? turn : throw Unread(key);
        _taken ??= new(StringComparer.Ordinal);
        var taken = _taken.GetValueOrDefault(key);
        _taken[key] = taken + 1;
        return members[(int)((start + taken) % members.Length)];
    }

    private static InvalidOperationException Unread(string team) =>
        new($"team '{team}' was not read before the run: the flows changed without a new engine");
}
