using Dapper;
using FlowAutomation.State;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Conversation states and team turns in PostgreSQL (the rows of <see cref="SqliteConversationStore"/>). The save is
/// the same compare-and-swap on the version, which holds across nodes: at READ COMMITTED a concurrent
/// <c>UPDATE … WHERE version = @expected</c> waits for the first writer, then finds the version moved and changes
/// nothing. A team's turn moves with the same kind of guard (<c>… WHERE turn = @From</c>), so two nodes assigning in
/// one team never take the same turn. Open conversations per agent are counted from the table, never from memory.
/// </summary>
internal sealed class PostgresConversationStore(PostgresDatabase database, TimeProvider time) : IConversationStore
{
    public async ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, conversationId, cancellationToken);
    }

    public ValueTask<ConversationState?> TrySaveAsync(ConversationState state, CancellationToken cancellationToken = default) =>
        TrySaveAsync(state, [], cancellationToken);

    public async ValueTask<ConversationState?> TrySaveAsync(ConversationState state, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(turns);
        return await database.TryWriteAsync((connection, transaction) => TrySaveAsync(connection, transaction, state, turns, time.GetUtcNow(), cancellationToken), cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken = default)
    {
        var counts = assignees.Distinct(StringComparer.Ordinal).ToDictionary(a => a, _ => 0, StringComparer.Ordinal);
        if (counts.Count == 0)
            return counts;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Assignee, long Count)>(new CommandDefinition(
            "SELECT assignee, COUNT(*) FROM conversations WHERE NOT closed AND assignee = ANY(@assignees) GROUP BY assignee",
            new { assignees = counts.Keys.ToArray() }, cancellationToken: cancellationToken));
        foreach (var (assignee, count) in rows)
            counts[assignee] = (int)count;
        return counts;
    }

    public async ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken = default)
    {
        var turns = teams.Distinct(StringComparer.Ordinal).ToDictionary(t => t, _ => 0L, StringComparer.Ordinal);
        if (turns.Count == 0)
            return turns;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Team, long Turn)>(new CommandDefinition(
            "SELECT team, turn FROM team_turns WHERE team = ANY(@teams)", new { teams = turns.Keys.ToArray() }, cancellationToken: cancellationToken));
        foreach (var (team, turn) in rows)
            turns[team] = turn;
        return turns;
    }

    public static async Task<ConversationState?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string conversationId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(long Version, string State)>(new CommandDefinition(
            "SELECT version, state FROM conversations WHERE id = @conversationId", new { conversationId }, transaction, cancellationToken: cancellationToken));
        return row.State is null ? null : StoreJson.DeserializeState(row.State, row.Version);
    }

    /// <summary>
    /// The turns' and the state's compare-and-swaps in the caller's transaction: null when any of them found another
    /// writer first — the caller then rolls the transaction back, so nothing of it stays.
    /// </summary>
    public static async Task<ConversationState?> TrySaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ConversationState state, IReadOnlyCollection<TeamTurn> turns, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var batch = new PostgresBatch(connection, transaction);
        var swaps = AddSave(batch, state, turns, at);
        await batch.ExecuteAsync(cancellationToken);
        return swaps.All(s => s.RecordsAffected == 1) ? state with { Version = state.Version + 1 } : null;
    }

    /// <summary>Adds the turns' and the state's compare-and-swaps to <paramref name="batch"/>: each changes one row when it finds no other writer first.</summary>
    public static IReadOnlyList<NpgsqlBatchCommand> AddSave(PostgresBatch batch, ConversationState state, IReadOnlyCollection<TeamTurn> turns, DateTimeOffset at)
    {
        var swaps = new List<NpgsqlBatchCommand>(turns.Count + 1);
        foreach (var turn in turns)
        {
            // A missing row is turn 0; a row moves only from where the caller read it.
            var sql = turn.From == 0
                ? "INSERT INTO team_turns (team, turn) VALUES (@Team, @To) ON CONFLICT (team) DO UPDATE SET turn = excluded.turn WHERE team_turns.turn = @From"
                : "UPDATE team_turns SET turn = @To WHERE team = @Team AND turn = @From";
            swaps.Add(batch.Add(sql, new { turn.Team, turn.From, turn.To }));
        }
        var saved = state with { Version = state.Version + 1 };
        swaps.Add(batch.Add(state.Version == 0 ? SqliteConversationStore.InsertSql : SqliteConversationStore.UpdateSql,
            SqliteConversationStore.SaveParameters(state, saved, at)));
        return swaps;
    }
}
