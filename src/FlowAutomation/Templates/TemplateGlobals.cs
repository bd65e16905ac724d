using FlowAutomation.Model;
using Scriban.Runtime;

namespace FlowAutomation.Templates;

/// <summary>
/// The only things a template sees: the facts (the event, the contact, the conversation) as a tree of read-only
/// script objects with the same paths conditions read, and <c>now</c>, the engine's clock (UTC). No .NET object of
/// ours is exposed. A missing value, and a text that is empty or only blanks, is null, so that
/// <c>{{ contact.name ?? "there" }}</c> and <c>{{ if contact.name }}</c> treat them alike. Every object is there
/// for every trigger (a lead's paths are null in a message flow), so a path never fails to resolve.
/// </summary>
internal static class TemplateGlobals
{
    /// <summary>The root names a template can read besides its own variables.</summary>
    public static readonly string[] Roots = ["message", "lead", "contact", "conversation", "event", "now"];

    public static ScriptObject From(FactSnapshot facts, DateTimeOffset now)
    {
        var e = facts.Event;
        var m = e.Message;
        var r = e.Referral ?? m?.Referral;
        var l = e.Lead;
        var c = facts.Contact;
        var v = facts.Conversation;

        var root = new ScriptObject(8);
        root.SetValue("message", Object(
            ("text", Text(m?.Text)),
            ("type", m is null ? null : PathResolver.MessageTypeName(m.Type)),
            ("image_url", Text(m?.ImageUrl)),
            ("post_id", Text(m?.PostId)),
            ("referral", Object(
                ("source", r is null ? null : PathResolver.ReferralSourceName(r.Source)),
                ("ad_id", Text(r?.AdId)),
                ("ref", Text(r?.Ref))))), readOnly: true);
        root.SetValue("lead", Object(
            ("form_id", Text(l?.FormId)),
            ("form_name", Text(l?.FormName)),
            ("ad_id", Text(l?.AdId)),
            ("campaign_id", Text(l?.CampaignId)),
            ("fields", Fields(l?.Fields))), readOnly: true);
        var tags = new ScriptArray(c.Tags.Count);
        foreach (var tag in c.Tags.Order(StringComparer.Ordinal))
        {
            tags.Add(tag);
        }

        root.SetValue("contact", Object(
            ("id", Text(c.Id)),
            ("name", Text(c.Name)),
            ("country", Text(c.Country)),
            ("language", Text(c.Language)),
            ("tags", tags),
            ("fields", Fields(c.Fields))), readOnly: true);
        root.SetValue("conversation", Object(
            ("id", Text(v.Id)),
            ("is_first_message", v.IsFirstMessage),
            ("inbound_count", v.InboundCount),
            ("assignee", Text(v.Assignee)),
            ("team", Text(v.Team)),
            ("messages_left", v.MessagesLeft),
            ("window_closes_in", Durations.Format(v.WindowClosesIn))), readOnly: true);
        root.SetValue("event", Object(("tag", Text(e.Tag))), readOnly: true);
        root.SetValue("now", now.UtcDateTime, readOnly: true);
        return root;
    }

    private static ScriptObject Object(params (string Name, object? Value)[] members)
    {
        var o = new ScriptObject(members.Length);
        foreach (var (name, value) in members)
        {
            o.SetValue(name, value, readOnly: true);
        }

        return o;
    }

    /// <summary>Form answers and contact fields by name, ignoring case as conditions do.</summary>
    private static ScriptObject Fields(IReadOnlyDictionary<string, string>? fields)
    {
        var o = new ScriptObject(fields?.Count ?? 0, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            o.SetValue(name, Text(value), readOnly: true);
        }

        return o;
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
