namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// Where verified, parsed, deduplicated webhook records go: the runtime implements this. Called once per record,
/// in the order the provider listed them. Returning means the record is taken (the provider gets its 200 and
/// will not send it again); throwing means it is not: the webhook answers 503, the record's dedup key is released
/// and the provider's retry delivers it again.
/// </summary>
public interface IInboundSink
{
    ValueTask AcceptAsync(InboundRecord record, CancellationToken cancellationToken = default);
}
