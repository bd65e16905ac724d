using Dapper;

namespace FlowAutomation.Server.Storage;

/// <summary>The <see cref="IAuditReader"/> of the service's database (either provider: the SQL is common to both), its <c>audit</c> and <c>conversations</c> tables.</summary>
internal sealed class AuditReader(IServiceDatabase database) : IAuditReader
{
    public async Task<IReadOnlyList<ActivityRow>> ActivityAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Kind, string? Flow, string? Node, string? Name, string? Status, string? Reason, long Count)>(new CommandDefinition("""
            SELECT kind, flow, node, name, status, reason, COUNT(*)
            FROM audit
            WHERE at >= @from AND at <= @to AND kind IN ('event', 'rule', 'action')
            GROUP BY kind, flow, node, name, status, reason
            """, new { from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new ActivityRow(r.Kind, r.Flow, r.Node, r.Name, r.Status, r.Reason, r.Count))];
    }

    public async Task<IReadOnlyList<ConversationSummary>> FindConversationsAsync(string? search, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var text = string.IsNullOrWhiteSpace(search) ? null : Escape(search.Trim());
        var rows = await connection.QueryAsync<(string Id, string? ContactId, string? ContactName, long UpdatedAt)>(new CommandDefinition("""
            SELECT id, contact_id, contact_name, updated_at FROM conversations
            WHERE @text IS NULL
               OR id LIKE @text || '%' ESCAPE '\'
               OR contact_id LIKE @text || '%' ESCAPE '\'
               OR contact_name LIKE '%' || @text || '%' ESCAPE '\'
            ORDER BY updated_at DESC, id
            LIMIT @limit
            """, new { text, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new ConversationSummary(r.Id, r.ContactId, r.ContactName, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt)))];
    }

    public async Task<IReadOnlyList<AuditedRecord>> TrailAsync(string conversationId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Seq, string Kind, string Record)>(new CommandDefinition("""
            SELECT seq, kind, record FROM (
                SELECT seq, kind, record FROM audit WHERE conversation_id = @conversationId ORDER BY seq DESC LIMIT @limit) AS latest
            ORDER BY seq
            """, new { conversationId, limit }, cancellationToken: cancellationToken));
        var result = new List<AuditedRecord>();
        foreach (var (seq, kind, json) in rows)
        {
            if (AuditRecordJson.Deserialize(kind, json) is { } record)
                result.Add(new AuditedRecord(seq, record));
        }
        return result;
    }

    /// <summary>The text with LIKE's wildcards taken literally.</summary>
    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
