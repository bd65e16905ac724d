using FlowAutomation.Diagrams;
using FlowAutomation.Model;

namespace FlowAutomation.Runtime;

/// <summary>Events in the words of the flow language, for traces.</summary>
internal static class EventNames
{
    public static string Name(EventKind kind) => FlowDiagram.TriggerName(kind);

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

    private static string Referral(Referral? r) => r is null ? string.Empty
        : $" from {(r.Source == ReferralSource.Ad ? "ad" : "short link")}{(r.AdId is null ? string.Empty : " " + r.AdId)}{(r.Ref is null ? string.Empty : " ref " + r.Ref)}";
}
