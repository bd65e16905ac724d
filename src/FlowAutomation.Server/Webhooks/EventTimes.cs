using FlowAutomation.Server.Inbox;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// How far a provider's time is trusted (docs/webhooks.md, "Event times"). A provider may date what it delivers later
/// than the moment we receive it — its clock is ahead of ours, or the time is simply wrong — and a time in the future
/// would move the reply window's end (and the business-hours test, and the order of events) with it. So every record's
/// time is bounded: the provider's time when it is at most <see cref="WebhookOptions.EventTimeTolerance"/> after the
/// receive time, else the receive time plus that tolerance. Earlier times are kept (a late delivery is normal). Both
/// the provider's time (<see cref="InboundRecord.OccurredAt"/>) and ours (<see cref="InboundRecord.ReceivedAt"/>) are kept.
/// </summary>
internal static class EventTimes
{
    public static DateTimeOffset Bound(DateTimeOffset providerAt, DateTimeOffset receivedAt, TimeSpan tolerance) =>
        providerAt - receivedAt > tolerance ? receivedAt + tolerance : providerAt;

    /// <summary>The record with <see cref="InboundRecord.EffectiveAt"/> set, and for a customer event its <see cref="Model.FlowEvent.At"/> bounded too.</summary>
    public static InboundRecord Bound(InboundRecord record, TimeSpan tolerance)
    {
        var effective = Bound(record.OccurredAt, record.ReceivedAt, tolerance);
        return record is InboundEnvelope envelope
            ? envelope with { EffectiveAt = effective, Event = envelope.Event with { At = Bound(envelope.Event.At, envelope.ReceivedAt, tolerance) } }
            : record with { EffectiveAt = effective };
    }
}
