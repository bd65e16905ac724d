using FlowAutomation.Model;

namespace FlowAutomation.Templates;

/// <summary>Builds the object tree a template renders against, with the same paths conditions read.</summary>
public static class TemplateData
{
    public static IReadOnlyDictionary<string, object?> From(FactSnapshot facts)
    {
        var e = facts.Event;
        var m = e.Message;
        var r = e.Referral ?? m?.Referral;
        var l = e.Lead;
        var c = facts.Contact;
        var v = facts.Conversation;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["message"] = m is null ? null : new Dictionary<string, object?>
            {
                ["text"] = m.Text,
                ["type"] = PathResolver.MessageTypeName(m.Type),
                ["image_url"] = m.ImageUrl,
                ["post_id"] = m.PostId,
                ["referral"] = Referral(r),
            },
            ["lead"] = l is null ? null : new Dictionary<string, object?>
            {
                ["form_id"] = l.FormId,
                ["form_name"] = l.FormName,
                ["ad_id"] = l.AdId,
                ["campaign_id"] = l.CampaignId,
                ["fields"] = l.Fields.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.OrdinalIgnoreCase),
            },
            ["contact"] = new Dictionary<string, object?>
            {
                ["id"] = c.Id,
                ["name"] = c.Name,
                ["country"] = c.Country,
                ["language"] = c.Language,
                ["tags"] = c.Tags.Order(StringComparer.Ordinal).ToArray(),
                ["fields"] = c.Fields.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.OrdinalIgnoreCase),
            },
            ["conversation"] = new Dictionary<string, object?>
            {
                ["id"] = v.Id,
                ["is_first_message"] = v.IsFirstMessage,
                ["inbound_count"] = v.InboundCount,
                ["assignee"] = v.Assignee,
                ["team"] = v.Team,
                ["messages_left"] = v.MessagesLeft,
                ["window_closes_in"] = Durations.Format(v.WindowClosesIn),
            },
            ["event"] = new Dictionary<string, object?> { ["tag"] = e.Tag },
        };
    }

    private static Dictionary<string, object?>? Referral(Referral? r) => r is null ? null : new Dictionary<string, object?>
    {
        ["source"] = PathResolver.ReferralSourceName(r.Source),
        ["ad_id"] = r.AdId,
        ["ref"] = r.Ref,
    };
}
