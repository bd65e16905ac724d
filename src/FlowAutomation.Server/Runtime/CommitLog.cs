using FlowAutomation.Runtime;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Runtime;

/// <summary>
/// Once an engine commit is durable, writes one log line for each flow that fired and each reply the guard refused.
/// The audit records themselves are in the commit (the <c>audit</c> table, written in its transaction).
/// </summary>
internal sealed class CommitLog(ILogger<CommitLog> logger) : ICommitListener
{
    public ValueTask CommittedAsync(EngineCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        foreach (var record in commit.Trace)
        {
            switch (record)
            {
                case RuleTrace { Fired: true } rule:
                    logger.FlowFired(rule.Flow, rule.EventType, commit.ConversationId);
                    break;
                case ActionTrace { Status: ActionStatus.Blocked } refused:
                    logger.MessageRefused(refused.Reason ?? "-", refused.Flow, commit.ConversationId, refused.Detail);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }
}
