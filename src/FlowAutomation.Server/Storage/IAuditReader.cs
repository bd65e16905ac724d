using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// One group of audit records over a period: how many records of a kind (event, rule, action) there were for one
/// flow, node, name (the event type, the rule's event, the action), status and reason.
/// </summary>
internal sealed record ActivityRow(string Kind, string? Flow, string? Node, string? Name, string? Status, string? Reason, long Count);

/// <summary>A conversation the service knows, for looking one up.</summary>
internal sealed record ConversationSummary(string Id, string? ContactId, string? ContactName, DateTimeOffset UpdatedAt);

/// <summary>An audit record with its place in the log.</summary>
internal sealed record AuditedRecord(long Seq, TraceRecord Record);

/// <summary>
/// What the studio reads of the service's records: counts of the audit log over a period, conversations, one
/// conversation's trail (its trace records, in order) and the inbound events the service took for it (the inbox).
/// One implementation whose SQL both providers take (<see cref="AuditReader"/>); the endpoints hold no SQL.
/// </summary>
internal interface IAuditReader
{
    /// <summary>The audit records written from <paramref name="from"/> to <paramref name="to"/> (both included), grouped (<see cref="ActivityRow"/>).</summary>
    Task<IReadOnlyList<ActivityRow>> ActivityAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// Conversations whose id or contact id starts with <paramref name="search"/> or whose contact's name contains it
    /// (any case), most recently changed first; all of them, most recent first, when the search is empty.
    /// </summary>
    Task<IReadOnlyList<ConversationSummary>> FindConversationsAsync(string? search, int limit, CancellationToken cancellationToken = default);

    /// <summary>The conversation's last <paramref name="limit"/> audit records, oldest first.</summary>
    Task<IReadOnlyList<AuditedRecord>> TrailAsync(string conversationId, int limit, CancellationToken cancellationToken = default);
}
