using FlowAutomation.Runtime;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Runtime;

/// <summary>
/// The engine's trace sink in the service: records go into the audit log in the transaction of the change they
/// explain (the ambient <see cref="EngineUnit"/>). A record written outside a unit is appended on its own. The flows
/// that fired and the replies the guard refused are also logged, one line each, once the change is committed.
/// </summary>
internal sealed class AuditTraceSink(SqliteAuditLog audit, ILogger<AuditTraceSink> logger) : ITraceSink
{
    public void Write(TraceRecord record)
    {
        if (EngineUnit.Current is { } unit)
        {
            unit.Trace(record);
            if (IsLogged(record))
                unit.AfterCommit(() => Log(record, unit.ConversationId));
            return;
        }
        Log(record, "-");
        _ = AppendAloneAsync(record);
    }

    private static bool IsLogged(TraceRecord record) =>
        record is RuleTrace { Fired: true } or ActionTrace { Status: ActionStatus.Blocked };

    private void Log(TraceRecord record, string conversationId)
    {
        switch (record)
        {
            case RuleTrace { Fired: true } rule:
                logger.FlowFired(rule.Flow, rule.EventType, conversationId);
                break;
            case ActionTrace { Status: ActionStatus.Blocked } refused:
                logger.MessageRefused(refused.Reason ?? "-", refused.Flow, conversationId, refused.Detail);
                break;
        }
    }

    private async Task AppendAloneAsync(TraceRecord record)
    {
        try
        {
            await audit.AppendAsync(null, [record]);
        }
        catch (Exception exception)
        {
            logger.AuditFailed(exception);
        }
    }
}
