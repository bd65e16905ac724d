namespace FlowAutomation.Model;

/// <summary>The type of the value a path yields, which decides the operators that apply.</summary>
public enum ValueKind
{
    Text,
    Number,
    Boolean,
    Duration,
    TagSet,
}

public enum PathId
{
    MessageText,
    MessageType,
    MessageImageUrl,
    MessagePostId,
    MessageReferralSource,
    MessageReferralAdId,
    MessageReferralRef,
    LeadFormId,
    LeadFormName,
    LeadAdId,
    LeadCampaignId,
    LeadField,
    ContactId,
    ContactName,
    ContactCountry,
    ContactLanguage,
    ContactTags,
    ContactField,
    ConversationId,
    ConversationIsFirstMessage,
    ConversationInboundCount,
    ConversationAssignee,
    ConversationTeam,
    ConversationMessagesLeft,
    ConversationWindowClosesIn,
    EventTag,
}

/// <summary>A resolved path such as <c>message.text</c> or <c>lead.fields.email</c>.</summary>
public sealed record FieldPath(PathId Id, string? FieldName)
{
    public PathInfo Info => PathCatalog.Get(Id);

    public ValueKind Kind => Info.Kind;

    public string Text => FieldName is null ? Info.Name : Info.Name[..^1] + FieldName;

    public override string ToString() => Text;
}
