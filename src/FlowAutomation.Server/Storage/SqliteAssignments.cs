using Dapper;
using FlowAutomation.State;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// What <c>assign</c> reads and writes in the database: open conversations per agent (the <c>conversations</c>
/// table's <c>assignee</c> and <c>closed</c> columns) and each team's round-robin turn (<c>team_turns</c>), which a
/// conversation's save moves in the same transaction.
/// </summary>
internal static class SqliteAssignments
{
    public static async Task<IReadOnlyDictionary<string, int>> CountOpenAsync(SqliteConnection connection, IReadOnlyCollection<string> assignees, CancellationToken cancellationToken)
    {
        var counts = assignees.Distinct(StringComparer.Ordinal).ToDictionary(a => a, _ => 0, StringComparer.Ordinal);
        if (counts.Count == 0)
            return counts;
        var rows = await connection.QueryAsync<(string Assignee, long Count)>(new CommandDefinition(
            "SELECT assignee, COUNT(*) FROM conversations WHERE closed = 0 AND assignee IN @assignees GROUP BY assignee",
            new { assignees = counts.Keys.ToArray() }, cancellationToken: cancellationToken));
        foreach (var (assignee, count) in rows)
            counts[assignee] = (int)count;
        return counts;
    }

    public static async Task<IReadOnlyDictionary<string, long>> FindTurnsAsync(SqliteConnection connection, IReadOnlyCollection<string> teams, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        var turns = teams.Distinct(StringComparer.Ordinal).ToDictionary(t => t, _ => 0L, StringComparer.Ordinal);
        if (turns.Count == 0)
            return turns;
        var rows = await connection.QueryAsync<(string Team, long Turn)>(new CommandDefinition(
            "SELECT team, turn FROM team_turns WHERE team IN @teams", new { teams = turns.Keys.ToArray() }, transaction, cancellationToken: cancellationToken));
        foreach (var (team, turn) in rows)
            turns[team] = turn;
        return turns;
    }

    /// <summary>
    /// The conversation's compare-and-swap and the teams' turns, inside the caller's write transaction: nothing is
    /// written (null) unless every turn is still where the caller read it and the version matches.
    /// </summary>
    public static async Task<ConversationState?> TrySaveAsync(SqliteConnection connection, SqliteTransaction transaction, ConversationState state, IReadOnlyCollection<TeamTurn> turns, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (turns.Count > 0)
        {
            var stored = await FindTurnsAsync(connection, [.. turns.Select(t => t.Team)], cancellationToken, transaction);
            if (turns.Any(t => stored[t.Team] != t.From))
                return null;
        }
        var saved = await SqliteConversationStore.TrySaveAsync(connection, transaction, state, at, cancellationToken);
        if (saved is null)
            return null;
        foreach (var turn in turns)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO team_turns (team, turn) VALUES (@Team, @To) ON CONFLICT (team) DO UPDATE SET turn = excluded.turn",
                new { turn.Team, turn.To }, transaction, cancellationToken: cancellationToken));
        }
        return saved;
    }
}
