using FlowAutomation.Diagrams;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Runtime;

/// <summary>
/// Runs an inbox item through <see cref="FlowHost.Engine"/>; the engine's commit carries the item's marker
/// (<see cref="InboxRowDone"/>), so the inbox row is set <c>done</c> in the transaction of the state change. Then
/// logs what it did.
/// </summary>
internal sealed class InboxItemRunner(FlowHost flows, ILogger<InboxItemRunner> logger) : IInboxItemRunner
{
    public async Task<bool> RunAsync(InboxItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var done = new InboxRowDone(item.Seq);
        switch (item)
        {
            case InboxEvent { Event: var inbound }:
                var outcome = await flows.Engine.HandleAsync(inbound, done, cancellationToken);
                if (outcome.DoneBefore)
                    return false;
                if (logger.IsEnabled(LogLevel.Information)) // the flows' names are joined only for a line that is written
                    logger.EventHandled(FlowDiagram.TriggerName(inbound.Event.Kind), inbound.EventId ?? $"#{item.Seq}", item.ConversationId,
                        outcome.Fired.Length, outcome.Fired.IsEmpty ? "none" : string.Join(", ", outcome.Fired), outcome.Sent, outcome.Blocked);
                return true;
            case InboxAgentMessage { Message: var agent }:
                if (!await flows.Engine.RecordAgentMessageAsync(agent, done, cancellationToken))
                    return false;
                logger.AgentMessageRecorded(agent.MessageId ?? $"#{item.Seq}", item.ConversationId);
                return true;
            default:
                throw new ArgumentException($"no runner for {item.GetType().Name}", nameof(item));
        }
    }
}
