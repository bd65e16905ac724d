using Dapper;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Inbox;

/// <summary>The <see cref="IInboxHistory"/> of the service database's <c>inbox</c> table (either provider).</summary>
internal sealed class InboxHistory(IServiceDatabase database) : IInboxHistory
{
    public async Task<IReadOnlyList<InboxItem>> ForConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Seq, string Kind, string Payload)>(new CommandDefinition("""
            SELECT seq, kind, payload FROM inbox
            WHERE conversation_id = @conversationId AND status <> 'recorded' AND kind IN (@envelope, @echo)
            ORDER BY seq
            """, new { conversationId, envelope = nameof(InboundEnvelope), echo = nameof(BusinessEcho) }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => InboxIntake.ItemOf(r.Seq, r.Kind, r.Payload))];
    }
}
