namespace FlowAutomation.Server.Webhooks;

/// <summary>What a sink did with one request's records: how many it took, how many it had seen before.</summary>
public sealed record InboundAcceptance(int Accepted, int Duplicates);

/// <summary>
/// Where verified, parsed webhook records go. Called once per request with its records, in the order the
/// provider listed them. A record whose <see cref="InboundRecord.DedupKey"/> was taken before is a duplicate
/// (delivery is at least once): acknowledged and skipped. Returning means every new record is taken durably (the
/// provider gets its 200 and will not send it again); throwing means none is: the webhook answers 503 and the
/// provider's retry delivers them again. The service's sink is the SQLite inbox (<see cref="Storage.SqliteInbox"/>).
/// </summary>
public interface IInboundSink
{
    ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken = default);
}
