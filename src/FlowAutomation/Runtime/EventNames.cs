using System.Runtime.CompilerServices;
using FlowAutomation.Diagrams;
using FlowAutomation.Model;

namespace FlowAutomation.Runtime;

/// <summary>Events in the words of the flow language, for traces.</summary>
internal static class EventNames
{
    // The flow language's name of each kind, looked up once (a trace names the event of every record).
    private static readonly string[] Names = [.. Enum.GetValues<EventKind>().Select(FlowDiagram.TriggerName)];

    public static string Name(EventKind kind) => (uint)kind < (uint)Names.Length ? Names[(int)kind] : FlowDiagram.TriggerName(kind);

    [MethodImpl(Hot.Options)]
    public static string Describe(FlowEvent e) => e.Kind switch
    {
        EventKind.MessageReceived => e.Message switch
        {
            { Type: MessageType.Text } m => $"message.received \"{m.Text}\"",
            { Type: MessageType.Image } m => $"message.received image {m.ImageUrl}",
            { Type: MessageType.SharePost } m => $"message.received shared post {m.PostId}",
            _ => "message.received (other content)",
        } + Referral(e.Referral),
        EventKind.LeadSubmitted => $"lead.submitted form {e.Lead?.FormName ?? e.Lead?.FormId ?? "(unnamed)"}"
            + (e.Lead is { Fields.Count: > 0 } l ? " (" + string.Join(", ", l.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {f.Value}")) + ")" : string.Empty),
        EventKind.ReferralReceived => "referral.received" + Referral(e.Referral),
        _ => $"contact.tagged {e.Tag}",
    };

    /// <summary>When the event's time is not the provider's (it was later than the receive time allows), both times, in words.</summary>
    public static string Dated(InboundEvent inbound) =>
        inbound.ProviderAt is { } provider && provider != inbound.Event.At
            ? FormattableString.Invariant($" (the provider dated it {provider.UtcDateTime:u}, later than it was received{(inbound.ReceivedAt is { } received ? FormattableString.Invariant($" at {received.UtcDateTime:u}") : "")}; taken as {inbound.Event.At.UtcDateTime:u})")
            : string.Empty;

    private static string Referral(Referral? r) => r is null ? string.Empty
        : $" from {(r.Source == ReferralSource.Ad ? "ad" : "short link")}{(r.AdId is null ? string.Empty : " " + r.AdId)}{(r.Ref is null ? string.Empty : " ref " + r.Ref)}";
}
