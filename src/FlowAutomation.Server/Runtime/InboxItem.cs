using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Runtime;

/// <summary>What the inbox hands the runtime: one taken record with work for the engine, by its inbox sequence number.</summary>
internal abstract record InboxItem(long Seq, string ConversationId);

/// <summary>A customer event: the flows run on it.</summary>
internal sealed record InboxEvent(long Seq, InboundEvent Event) : InboxItem(Seq, Event.ConversationId);

/// <summary>A message a person sent from TikTok's app: it counts toward the window's quota and runs no flow.</summary>
internal sealed record InboxAgentMessage(long Seq, AgentMessage Message) : InboxItem(Seq, Message.ConversationId);

/// <summary>
/// Where the inbox hands its items on: the runtime runs one item to the end and commits it together with the mark that
/// its inbox row is done, so an item takes effect exactly once even across a crash.
/// </summary>
internal interface IInboxItemRunner
{
    /// <summary>True when the item ran now; false when its row was done before (nothing was committed).</summary>
    Task<bool> RunAsync(InboxItem item, CancellationToken cancellationToken);
}
