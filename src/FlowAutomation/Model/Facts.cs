using System.Collections.Immutable;

namespace FlowAutomation.Model;

public enum MessageType
{
    Text,
    Image,
    SharePost,
    Other,
}

public enum ReferralSource
{
    Ad,
    ShortLink,
}

public sealed record Referral(ReferralSource Source, string? AdId, string? Ref);

/// <summary>A message the customer sent.</summary>
public sealed record InboundMessage(MessageType Type, string? Text, string? ImageUrl = null, string? PostId = null, Referral? Referral = null);

/// <summary>A lead-ad form submission.</summary>
public sealed record LeadSubmission(string? FormId, string? FormName, string? AdId, string? CampaignId, ImmutableDictionary<string, string> Fields);

/// <summary>
/// Something that happened in a conversation and may start flows. <see cref="Message"/> is set for
/// message.received, <see cref="Lead"/> for lead.submitted, <see cref="Referral"/> for referral.received
/// (and for a message that carried one), <see cref="Tag"/> for contact.tagged.
/// </summary>
public sealed record FlowEvent(EventKind Kind, DateTimeOffset At, InboundMessage? Message = null, LeadSubmission? Lead = null, Referral? Referral = null, string? Tag = null)
{
    public static FlowEvent MessageReceived(DateTimeOffset at, InboundMessage message) =>
        new(EventKind.MessageReceived, at, message, Referral: message.Referral);

    public static FlowEvent TextReceived(DateTimeOffset at, string text) =>
        MessageReceived(at, new InboundMessage(MessageType.Text, text));

    public static FlowEvent LeadSubmitted(DateTimeOffset at, LeadSubmission lead) => new(EventKind.LeadSubmitted, at, Lead: lead);

    public static FlowEvent ReferralReceived(DateTimeOffset at, Referral referral) => new(EventKind.ReferralReceived, at, Referral: referral);

    public static FlowEvent ContactTagged(DateTimeOffset at, string tag) => new(EventKind.ContactTagged, at, Tag: tag);
}

/// <summary>What conditions and templates may read about the contact.</summary>
public sealed record ContactFacts(string Id, string? Name, string? Country, string? Language, ImmutableHashSet<string> Tags, ImmutableDictionary<string, string> Fields)
{
    private static readonly ImmutableHashSet<string> NoTags = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);
    private static readonly ImmutableDictionary<string, string> NoFields = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);

    public static ContactFacts Create(string id, string? name = null, string? country = null, string? language = null) =>
        new(id, name, country, language, NoTags, NoFields);
}

/// <summary>What conditions and templates may read about the conversation at the moment of the event.</summary>
public sealed record ConversationFacts(string Id, bool IsFirstMessage, int InboundCount, string? Assignee, string? Team, int MessagesLeft, TimeSpan WindowClosesIn);

/// <summary>The facts a rule is evaluated against: the event, the contact and the conversation.</summary>
public sealed record FactSnapshot(FlowEvent Event, ContactFacts Contact, ConversationFacts Conversation);
