using FlowAutomation.Server.Runtime;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// What the inbox took for one conversation, read back for the studio: customer events, and messages a person sent
/// from TikTok's app that count toward the quota, whatever their status, in the order the inbox took them.
/// </summary>
internal interface IInboxHistory
{
    Task<IReadOnlyList<InboxItem>> ForConversationAsync(string conversationId, CancellationToken cancellationToken = default);
}
