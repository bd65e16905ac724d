using FlowAutomation.State;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Conversation states in the <c>conversations</c> table: the state as a JSON document (every property, exactly),
/// the version for compare-and-swap, and a few columns for people and queries (contact, assignee, team, closed, times).
/// A save is <c>UPDATE … WHERE id = @id AND version = @expected</c>, or an <c>INSERT</c> that does nothing when the
/// row exists for version 0; no row changed means another writer saved first.
/// </summary>
internal sealed class SqliteConversationStore(SqliteDatabase database, TimeProvider time) : IConversationStore
{
    public async ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return await database.ReadAsync(connection => Find(connection, conversationId), cancellationToken);
    }

    public async ValueTask<ConversationState?> TrySaveAsync(ConversationState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await database.WriteAsync((connection, transaction) => TrySaveAsync(connection, transaction, state, time.GetUtcNow(), cancellationToken), cancellationToken);
    }

    public async ValueTask<ConversationState?> TrySaveAsync(ConversationState state, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(turns);
        return await database.WriteAsync((connection, transaction) => SqliteAssignments.TrySaveAsync(connection, transaction, state, turns, time.GetUtcNow(), cancellationToken), cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await SqliteAssignments.CountOpenAsync(connection, assignees, cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await SqliteAssignments.FindTurnsAsync(connection, teams, cancellationToken);
    }

    /// <summary>The state, from a statement prepared once on <paramref name="connection"/> (a kept reader, <see cref="SqliteDatabase.ReadAsync{T}"/>).</summary>
    public static ConversationState? Find(SqliteConnection connection, string conversationId)
    {
        using var rows = SqliteStatements.Read(connection, FindSql, "conversationId").Set(0, conversationId).Query();
        return rows.Read() ? StoreJson.DeserializeState(rows.GetString(1), rows.GetInt64(0)) : null;
    }

    private const string FindSql = "SELECT version, state FROM conversations WHERE id = @conversationId";

    /// <summary>The compare-and-swap inside the caller's transaction; <paramref name="at"/> stamps <c>updated_at</c>.</summary>
    public static Task<ConversationState?> TrySaveAsync(SqliteConnection connection, SqliteTransaction transaction, ConversationState state, DateTimeOffset at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var saved = state with { Version = state.Version + 1 };
        var command = SqliteStatements.Write(connection, transaction, state.Version == 0 ? InsertSql : UpdateSql, SaveParameterNames)
            .Set(0, saved.ConversationId).Set(1, saved.Version).Set(2, state.Version).Set(3, saved.ContactId).Set(4, saved.ContactName)
            .Set(5, saved.Assignee).Set(6, saved.Team).Set(7, saved.Closed).Set(8, saved.LastInboundAt?.ToUnixTimeMilliseconds())
            .Set(9, saved.WindowEnd?.ToUnixTimeMilliseconds()).Set(10, at.ToUnixTimeMilliseconds())
            .SetUtf8(11, StoreJson.SerializeStateUtf8(saved)); // the UTF-8 the writer made, not decoded to a string and encoded again
        return Task.FromResult(command.Execute() == 1 ? saved : null);
    }

    /// <summary>The parameters of <see cref="InsertSql"/> and <see cref="UpdateSql"/>, in the order the prepared save sets them (as <see cref="SaveParameters"/> names them).</summary>
    private static readonly string[] SaveParameterNames =
        ["id", "version", "expected", "contactId", "contactName", "assignee", "team", "closed", "lastInboundAt", "windowEnd", "updatedAt", "json"];

    /// <summary>The first save (both providers): nothing when the row exists.</summary>
    internal const string InsertSql = """
        INSERT INTO conversations (id, version, contact_id, contact_name, assignee, team, closed, last_inbound_at, window_end, updated_at, state)
        VALUES (@id, @version, @contactId, @contactName, @assignee, @team, @closed, @lastInboundAt, @windowEnd, @updatedAt, @json)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>A later save (both providers): nothing unless the row is still at the version it was read at.</summary>
    internal const string UpdateSql = """
        UPDATE conversations SET version = @version, contact_id = @contactId, contact_name = @contactName, assignee = @assignee,
            team = @team, closed = @closed, last_inbound_at = @lastInboundAt, window_end = @windowEnd, updated_at = @updatedAt, state = @json
        WHERE id = @id AND version = @expected
        """;

    internal static object SaveParameters(ConversationState state, ConversationState saved, DateTimeOffset at) =>
        new
        {
            id = saved.ConversationId,
            version = saved.Version,
            expected = state.Version,
            contactId = saved.ContactId,
            contactName = saved.ContactName,
            assignee = saved.Assignee,
            team = saved.Team,
            closed = saved.Closed,
            lastInboundAt = saved.LastInboundAt?.ToUnixTimeMilliseconds(),
            windowEnd = saved.WindowEnd?.ToUnixTimeMilliseconds(),
            updatedAt = at.ToUnixTimeMilliseconds(),
            json = StoreJson.SerializeState(saved),
        };
}
