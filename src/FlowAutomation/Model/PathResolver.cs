using System.Globalization;

namespace FlowAutomation.Model;

/// <summary>A value read from the facts by a path. <see cref="IsMissing"/> when the event does not carry it.</summary>
public readonly record struct FactValue(ValueKind Kind, string? Text, double Number, IReadOnlySet<string>? Tags, bool IsMissing)
{
    public static FactValue Missing(ValueKind kind) => new(kind, null, 0, null, true);

    public static FactValue OfText(string? text) => text is null ? Missing(ValueKind.Text) : new(ValueKind.Text, text, 0, null, false);

    public static FactValue OfNumber(double n) => new(ValueKind.Number, null, n, null, false);

    public static FactValue OfBoolean(bool b) => new(ValueKind.Boolean, null, b ? 1 : 0, null, false);

    public static FactValue OfDuration(TimeSpan t) => new(ValueKind.Duration, null, t.TotalSeconds, null, false);

    public static FactValue OfTags(IReadOnlySet<string> tags) => new(ValueKind.TagSet, null, 0, tags, false);

    public bool Boolean => Number != 0;

    /// <summary>The value as a person reads it in a trace or a template.</summary>
    public override string ToString() => IsMissing ? "(none)" : Kind switch
    {
        ValueKind.Text => Text!,
        ValueKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        ValueKind.Boolean => Boolean ? "true" : "false",
        ValueKind.Duration => Durations.Format(TimeSpan.FromSeconds(Number)),
        ValueKind.TagSet => "[" + string.Join(", ", Tags!.Order(StringComparer.Ordinal)) + "]",
        _ => string.Empty,
    };
}

/// <summary>Reads path values from a <see cref="FactSnapshot"/>. Plain and allocation-light; the rule network compiles its own accessors.</summary>
public static class PathResolver
{
    public static FactValue Resolve(FieldPath path, FactSnapshot facts)
    {
        var e = facts.Event;
        var m = e.Message;
        var r = e.Referral ?? m?.Referral;
        var l = e.Lead;
        var c = facts.Contact;
        var v = facts.Conversation;
        return path.Id switch
        {
            PathId.MessageText => FactValue.OfText(m?.Text),
            PathId.MessageType => FactValue.OfText(m is null ? null : MessageTypeName(m.Type)),
            PathId.MessageImageUrl => FactValue.OfText(m?.ImageUrl),
            PathId.MessagePostId => FactValue.OfText(m?.PostId),
            PathId.MessageReferralSource => FactValue.OfText(r is null ? null : ReferralSourceName(r.Source)),
            PathId.MessageReferralAdId => FactValue.OfText(r?.AdId),
            PathId.MessageReferralRef => FactValue.OfText(r?.Ref),
            PathId.LeadFormId => FactValue.OfText(l?.FormId),
            PathId.LeadFormName => FactValue.OfText(l?.FormName),
            PathId.LeadAdId => FactValue.OfText(l?.AdId),
            PathId.LeadCampaignId => FactValue.OfText(l?.CampaignId),
            PathId.LeadField => FactValue.OfText(l is not null && l.Fields.TryGetValue(path.FieldName!, out var lf) ? lf : null),
            PathId.ContactId => FactValue.OfText(c.Id),
            PathId.ContactName => FactValue.OfText(c.Name),
            PathId.ContactCountry => FactValue.OfText(c.Country),
            PathId.ContactLanguage => FactValue.OfText(c.Language),
            PathId.ContactTags => FactValue.OfTags(c.Tags),
            PathId.ContactField => FactValue.OfText(c.Fields.TryGetValue(path.FieldName!, out var cf) ? cf : null),
            PathId.ConversationId => FactValue.OfText(v.Id),
            PathId.ConversationIsFirstMessage => FactValue.OfBoolean(v.IsFirstMessage),
            PathId.ConversationInboundCount => FactValue.OfNumber(v.InboundCount),
            PathId.ConversationAssignee => FactValue.OfText(v.Assignee),
            PathId.ConversationTeam => FactValue.OfText(v.Team),
            PathId.ConversationMessagesLeft => FactValue.OfNumber(v.MessagesLeft),
            PathId.ConversationWindowClosesIn => FactValue.OfDuration(v.WindowClosesIn),
            PathId.EventTag => FactValue.OfText(e.Tag),
            _ => FactValue.Missing(path.Kind),
        };
    }

    public static string MessageTypeName(MessageType type) => type switch
    {
        MessageType.Text => "text",
        MessageType.Image => "image",
        MessageType.SharePost => "share_post",
        _ => "other",
    };

    public static string ReferralSourceName(ReferralSource source) => source == ReferralSource.Ad ? "ad" : "short_link";
}
