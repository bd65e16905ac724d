namespace FlowAutomation.Server.Inbox;

/// <summary>What a sink did with one request's records: how many it took, how many it had seen before.</summary>
public sealed record InboundAcceptance(int Accepted, int Duplicates);

/// <summary>
/// Where verified, parsed webhook records go. Called once per request with its records, in the order the
/// provider listed them. A record whose <see cref="InboundRecord.DedupKey"/> was taken before is a duplicate
/// (delivery is at least once, and a redelivery is a duplicate whatever its age): acknowledged and skipped. Returning
/// means every new record is taken durably (the provider gets its 200 and will not send it again). Throwing means not
/// every record was taken — <see cref="RecordsNotTakenException"/> when some were (one record that cannot be stored
/// never fails the others), any other exception when none was: the webhook answers 503 and the provider's retry
/// delivers them again (the ones taken are duplicates then). The service's sink is the SQLite inbox
/// (<see cref="SqliteInbox"/>).
/// </summary>
public interface IInboundSink
{
    ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken = default);
}

/// <summary>
/// Some records of a request were not taken (the others were). The message is the webhook's 503 reason, written for
/// the provider's operator: it names no store internals (those are logged).
/// </summary>
public sealed class RecordsNotTakenException(int notTaken, int total)
    : Exception($"could not take {notTaken} of {total} records now; retry later (the records taken count as duplicates then)")
{
    public int NotTaken { get; } = notTaken;

    public int Total { get; } = total;
}
