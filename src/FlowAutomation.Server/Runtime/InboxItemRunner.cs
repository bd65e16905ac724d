using FlowAutomation.Diagrams;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Runtime;

/// <summary>
/// Runs an inbox item through <see cref="FlowHost.Engine"/> inside an <see cref="EngineUnit"/> whose marker sets the
/// inbox row <c>done</c> in the transaction of the state change, then logs what it did.
/// </summary>
internal sealed class InboxItemRunner(SqliteDatabase database, FlowHost flows, TimeProvider time, ILogger<InboxItemRunner> logger) : IInboxItemRunner
{
    public async Task<bool> RunAsync(InboxItem item, CancellationToken cancellationToken)
    {
        try
        {
            await RunOnceAsync(item, cancellationToken);
            return true;
        }
        catch (AlreadyHandledException)
        {
            return false;
        }
    }

    private async Task RunOnceAsync(InboxItem item, CancellationToken cancellationToken)
    {
        await using var unit = EngineUnit.Begin(database, item.ConversationId, time,
            (connection, transaction, ct) => SqliteInboxTable.MarkDoneAsync(connection, transaction, item.Seq, time.GetUtcNow(), ct));
        switch (item)
        {
            case InboxEvent { Event: var inbound }:
                var outcome = await flows.Engine.HandleAsync(inbound, cancellationToken);
                foreach (var failure in await unit.CompleteAsync(cancellationToken))
                    logger.AfterCommitFailed(failure, item.ConversationId);
                logger.EventHandled(FlowDiagram.TriggerName(inbound.Event.Kind), inbound.EventId ?? $"#{item.Seq}", item.ConversationId,
                    outcome.Fired.Length, outcome.Fired.IsEmpty ? "none" : string.Join(", ", outcome.Fired), outcome.Sent, outcome.Blocked);
                break;
            case InboxAgentMessage { Message: var agent }:
                await flows.Engine.RecordAgentMessageAsync(agent, cancellationToken);
                foreach (var failure in await unit.CompleteAsync(cancellationToken))
                    logger.AfterCommitFailed(failure, item.ConversationId);
                logger.AgentMessageRecorded(agent.MessageId ?? $"#{item.Seq}", item.ConversationId);
                break;
        }
    }
}
