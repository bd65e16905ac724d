using System.Globalization;
using System.Text;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using FlowAutomation.State;

namespace FlowAutomation.Server.Studio;

/// <summary>
/// "Debug in the editor": a recorded conversation as a scenario. Its events are the ones the service took for it (the
/// inbox: the customer's messages, leads and referrals, and the messages a person sent from TikTok's app), at their
/// own times to the second, from the first one; when follow-ups fell due after the last of them, a last <c>advance</c>
/// moves the clock to the last one, so that they run again. Its expectations are what the running flows did (the messages sent, in order,
/// and the refusals), so that a change to the flows shows as the expectations it breaks.
/// </summary>
internal static class RecordedScenario
{
    /// <summary>The scenario's text; null when the service took no event for the conversation.</summary>
    public static string? Build(string conversationId, ConversationState? state, IReadOnlyList<InboxItem> inbound, IReadOnlyList<AuditedRecord> trail, bool trailComplete)
    {
        var steps = inbound
            .Select(i => (At: Second(i switch { InboxEvent e => e.Event.Event.At, InboxAgentMessage a => a.Message.At, _ => throw new InvalidOperationException(i.GetType().Name) }), i.Seq, Item: i))
            .OrderBy(s => s.At).ThenBy(s => s.Seq)
            .ToList();
        if (steps.Count == 0)
            return null;

        var start = steps[0].At;
        var sb = new StringBuilder();
        sb.Append("# The conversation ").Append(conversationId).Append(" as the service recorded it: run against the flows being edited,\n");
        sb.Append("# it shows what they would have done. The expectations are what the running flows did.\n");
        sb.Append("scenario: ").Append(Q($"recorded conversation {conversationId}")).Append('\n');
        sb.Append("start: ").Append(Time(start)).Append('\n');
        var first = inbound.OfType<InboxEvent>().Select(i => i.Event).FirstOrDefault();
        var contact = new List<string> { "id: " + Q(state?.ContactId ?? first?.ContactId ?? conversationId) };
        if ((state?.ContactName ?? first?.ContactName) is { } name)
            contact.Add("name: " + Q(name));
        if ((state?.ContactCountry ?? first?.ContactCountry) is { } country)
            contact.Add("country: " + Q(country));
        if ((state?.ContactLanguage ?? first?.ContactLanguage) is { } language)
            contact.Add("language: " + Q(language));
        sb.Append("contact: { ").Append(string.Join(", ", contact)).Append(" }\n");

        sb.Append("events:\n");
        foreach (var (at, _, item) in steps)
        {
            sb.Append("  - at: ").Append(Offset(at, start)).Append('\n');
            sb.Append("    ").Append(item is InboxEvent e ? Event(e.Event.Event) : Agent(((InboxAgentMessage)item).Message)).Append('\n');
        }

        var dueAfter = trail.Select(r => r.Record).OfType<EventTrace>().Where(e => e.Type == "follow_up").Select(e => Second(e.At)).Where(at => at > steps[^1].At).ToList();
        if (dueAfter.Count > 0)
            sb.Append("  - at: ").Append(Offset(dueAfter.Max(), start)).Append("\n    advance: true\n");

        if (trailComplete)
            Expectations(sb, trail);
        return sb.ToString();
    }

    private static void Expectations(StringBuilder sb, IReadOnlyList<AuditedRecord> trail)
    {
        var actions = trail.Select(r => r.Record).OfType<ActionTrace>().Where(a => a.Action == "reply").ToList();
        var sent = actions.Where(a => a.Status == ActionStatus.Sent && a.Message is not null).ToList();
        var blocked = actions.Where(a => a.Status == ActionStatus.Blocked && a.Reason is not null).Select(a => a.Reason!).Distinct(StringComparer.Ordinal).ToList();
        sb.Append("expect:\n");
        if (sent.Count == 0)
        {
            sb.Append("  sent: []\n");
        }
        else
        {
            sb.Append("  sent:\n");
            foreach (var a in sent)
                sb.Append("    - ").Append(a.Content is "image" ? "image" : a.Content is "share_post" ? "share_post" : "text").Append(": ").Append(Q(a.Message!)).Append('\n');
        }
        if (blocked.Count > 0)
        {
            sb.Append("  blocked:\n");
            foreach (var reason in blocked)
                sb.Append("    - { reason: ").Append(reason).Append(" }\n");
        }
    }

    private static string Event(FlowEvent e) => e.Kind switch
    {
        EventKind.MessageReceived => "message.received: " + Map(
            ("text", e.Message?.Text), ("image", e.Message?.ImageUrl), ("share_post", e.Message?.PostId),
            ("type", e.Message is { Type: MessageType.Other } ? "other" : null), ("referral", e.Referral is { } r ? Referral(r) : null)),
        EventKind.LeadSubmitted => "lead.submitted: " + Map(
            ("form_id", e.Lead?.FormId), ("form_name", e.Lead?.FormName), ("ad_id", e.Lead?.AdId), ("campaign_id", e.Lead?.CampaignId),
            ("fields", e.Lead is { Fields.Count: > 0 } l ? "{ " + string.Join(", ", l.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{Q(f.Key)}: {Q(f.Value)}")) + " }" : null)),
        EventKind.ReferralReceived => "referral.received: " + (e.Referral is { } referral ? Referral(referral) : "{}"),
        _ => "advance: true",
    };

    private static string Agent(AgentMessage message) => "agent.sent: " + (message.Text is { Length: > 0 } text ? Map(("text", text)) : "{}");

    private static string Referral(Referral r) => Map(("source", r.Source == ReferralSource.Ad ? "ad" : "short_link"), ("ad_id", r.AdId), ("ref", r.Ref));

    /// <summary>A flow mapping of the entries that have a value; nested mappings (already written) stay as they are.</summary>
    private static string Map(params (string Key, string? Value)[] entries)
    {
        var items = entries.Where(e => e.Value is not null)
            .Select(e => e.Key + ": " + (e.Value!.StartsWith("{ ", StringComparison.Ordinal) && e.Key is "referral" or "fields" ? e.Value : Q(e.Value)));
        return "{ " + string.Join(", ", items) + " }";
    }

    /// <summary>A YAML double-quoted scalar: backslash, quote and control characters escaped, every other character as it is.</summary>
    private static string Q(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                default:
                    if (char.IsControl(c))
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>The time to the second (a scenario's times are), earlier fractions dropped: the order stays.</summary>
    private static DateTimeOffset Second(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>An offset from the start: <c>0s</c>, <c>5m</c>, <c>1d2h3s</c>.</summary>
    private static string Offset(DateTimeOffset at, DateTimeOffset start) => Durations.Format(at - start);
}
