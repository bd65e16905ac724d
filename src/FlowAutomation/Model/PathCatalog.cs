using System.Collections.Frozen;
using System.Collections.Immutable;

namespace FlowAutomation.Model;

/// <summary>
/// Describes one path of the flow language. <see cref="Name"/> ends in <c>*</c> for open field maps
/// (<c>lead.fields.*</c>). <see cref="SetBy"/> lists the triggers whose events carry the value
/// (empty: every trigger). <see cref="Choices"/> lists the values an enumerated text path takes.
/// </summary>
public sealed record PathInfo(PathId Id, string Name, ValueKind Kind, ImmutableArray<EventKind> SetBy, ImmutableArray<string> Choices, string Description)
{
    public bool IsFieldMap => Name.EndsWith('*');

    /// <summary>
    /// A text path whose value is often a number a person typed (a form answer, a contact field, a reply to "how many?"):
    /// the numeric operators read it as a number (see <c>ConditionSemantics.TryReadNumber</c>).
    /// </summary>
    public bool ReadsNumbers { get; init; }
}

/// <summary>The closed vocabulary of paths, shared by the binder, templates, schema and runtime.</summary>
public static class PathCatalog
{
    private static readonly ImmutableArray<EventKind> Any = [];
    private static readonly ImmutableArray<EventKind> MessageEvents = [EventKind.MessageReceived];
    private static readonly ImmutableArray<EventKind> ReferralEvents = [EventKind.MessageReceived, EventKind.ReferralReceived];
    private static readonly ImmutableArray<EventKind> LeadEvents = [EventKind.LeadSubmitted];

    public static ImmutableArray<PathInfo> All { get; } =
    [
        new(PathId.MessageText, "message.text", ValueKind.Text, MessageEvents, [], "The text of the customer's message. gt, gte, lt, lte and unquoted numbers in equals or in read it as a number.") { ReadsNumbers = true },
        new(PathId.MessageType, "message.type", ValueKind.Text, MessageEvents, ["text", "image", "share_post", "other"], "What the customer sent."),
        new(PathId.MessageImageUrl, "message.image_url", ValueKind.Text, MessageEvents, [], "The URL of an image the customer sent."),
        new(PathId.MessagePostId, "message.post_id", ValueKind.Text, MessageEvents, [], "The id of a TikTok post the customer shared."),
        new(PathId.MessageReferralSource, "message.referral.source", ValueKind.Text, ReferralEvents, ["ad", "short_link"], "Where the customer came from: an ad or a tiktok.me short link."),
        new(PathId.MessageReferralAdId, "message.referral.ad_id", ValueKind.Text, ReferralEvents, [], "The ad the customer came from."),
        new(PathId.MessageReferralRef, "message.referral.ref", ValueKind.Text, ReferralEvents, [], "The ref parameter of the short link the customer followed."),
        new(PathId.LeadFormId, "lead.form_id", ValueKind.Text, LeadEvents, [], "The lead form's id."),
        new(PathId.LeadFormName, "lead.form_name", ValueKind.Text, LeadEvents, [], "The lead form's name."),
        new(PathId.LeadAdId, "lead.ad_id", ValueKind.Text, LeadEvents, [], "The ad that carried the form."),
        new(PathId.LeadCampaignId, "lead.campaign_id", ValueKind.Text, LeadEvents, [], "The campaign that carried the form."),
        new(PathId.LeadField, "lead.fields.*", ValueKind.Text, LeadEvents, [], "A field of the submitted form, by name. gt, gte, lt, lte and unquoted numbers in equals or in read it as a number.") { ReadsNumbers = true },
        new(PathId.ContactId, "contact.id", ValueKind.Text, Any, [], "The contact's id."),
        new(PathId.ContactName, "contact.name", ValueKind.Text, Any, [], "The contact's display name."),
        new(PathId.ContactCountry, "contact.country", ValueKind.Text, Any, [], "The contact's country, ISO 3166 alpha-2 (SG, MY, US)."),
        new(PathId.ContactLanguage, "contact.language", ValueKind.Text, Any, [], "The contact's language (en, zh, ms)."),
        new(PathId.ContactTags, "contact.tags", ValueKind.TagSet, Any, [], "The tags the contact holds."),
        new(PathId.ContactField, "contact.fields.*", ValueKind.Text, Any, [], "A contact field, by name (set by `set`). gt, gte, lt, lte and unquoted numbers in equals or in read it as a number.") { ReadsNumbers = true },
        new(PathId.ConversationId, "conversation.id", ValueKind.Text, Any, [], "The conversation's id."),
        new(PathId.ConversationIsFirstMessage, "conversation.is_first_message", ValueKind.Boolean, Any, [], "True for the customer's first message in the conversation."),
        new(PathId.ConversationInboundCount, "conversation.inbound_count", ValueKind.Number, Any, [], "How many messages the customer has sent, this one included."),
        new(PathId.ConversationAssignee, "conversation.assignee", ValueKind.Text, Any, [], "The agent the conversation is assigned to."),
        new(PathId.ConversationTeam, "conversation.team", ValueKind.Text, Any, [], "The team the conversation is assigned to."),
        new(PathId.ConversationMessagesLeft, "conversation.messages_left", ValueKind.Number, Any, [], "How many messages the business may still send in the current reply window."),
        new(PathId.ConversationWindowClosesIn, "conversation.window_closes_in", ValueKind.Duration, Any, [], "Time left in the reply window (compare with durations: `lt: 2h`)."),
        new(PathId.EventTag, "event.tag", ValueKind.Text, [EventKind.ContactTagged], [], "The tag just added (contact.tagged)."),
    ];

    private static readonly FrozenDictionary<string, PathInfo> ByName =
        All.Where(p => !p.IsFieldMap).ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);

    private static readonly PathInfo[] ById = [.. All.OrderBy(p => (int)p.Id)];

    public static PathInfo Get(PathId id) => ById[(int)id];

    /// <summary>Every path name as written, field maps as <c>lead.fields.&lt;name&gt;</c>.</summary>
    public static IEnumerable<string> Names => All.Select(p => p.IsFieldMap ? p.Name[..^1] + "<name>" : p.Name);

    /// <summary>Resolves a path as written; null when unknown.</summary>
    public static FieldPath? TryResolve(string text)
    {
        if (ByName.TryGetValue(text, out var info))
        {
            return new FieldPath(info.Id, null);
        }

        foreach (var map in All)
        {
            if (map.IsFieldMap && text.Length > map.Name.Length - 1 && text.StartsWith(map.Name[..^1], StringComparison.Ordinal))
            {
                var field = text[(map.Name.Length - 1)..];
                if (IsFieldName(field))
                {
                    return new FieldPath(map.Id, field);
                }
            }
        }

        return null;
    }

    internal static bool IsFieldName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
