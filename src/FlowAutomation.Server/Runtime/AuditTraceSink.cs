using FlowAutomation.Runtime;
using FlowAutomation.Server.Hosting;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Runtime;

/// <summary>
/// The engine's trace sink in the service: records go into the audit log in the transaction of the change they
/// explain (the ambient <see cref="EngineUnit"/>). A record written outside a unit is appended on its own.
/// </summary>
internal sealed class AuditTraceSink(SqliteAuditLog audit, ILogger<AuditTraceSink> logger) : ITraceSink
{
    public void Write(TraceRecord record)
    {
        if (EngineUnit.Current is { } unit)
        {
            unit.Trace(record);
            return;
        }
        _ = AppendAloneAsync(record);
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
