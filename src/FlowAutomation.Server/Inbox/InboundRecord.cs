using FlowAutomation.Model;
using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Inbox;

/// <summary>Who delivered a webhook.</summary>
public enum WebhookProvider
{
    Infobip,
    TikTok,
    LeadAds,
}

/// <summary>
/// One thing a webhook delivered, normalised across providers. An <see cref="InboundEnvelope"/> carries a
/// <see cref="FlowEvent"/> that may start flows; every other subtype is recorded but starts nothing.
/// </summary>
public abstract record InboundRecord
{
    public required WebhookProvider Provider { get; init; }

    /// <summary>The provider's id for what it delivered; for events without one, a hash of the request body.</summary>
    public required string ProviderMessageId { get; init; }

    /// <summary>The key under which a redelivery is recognised and ignored (provider, kind and id).</summary>
    public required string DedupKey { get; init; }

    /// <summary>When the provider says it happened, as it says it (our clock when the provider gives no time).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>When this service received the request (the injected clock).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>
    /// When it happened as every decision takes it: <see cref="OccurredAt"/>, but never later than <see cref="ReceivedAt"/>
    /// plus <c>Webhooks:EventTimeTolerance</c> (applied by the webhook pipeline, docs/webhooks.md "Event times"; until then
    /// <see cref="OccurredAt"/>).
    /// </summary>
    public DateTimeOffset EffectiveAt
    {
        get => _effectiveAt ?? OccurredAt;
        init => _effectiveAt = value;
    }

    private readonly DateTimeOffset? _effectiveAt;
}

/// <summary>A customer event that may start flows: a message, a referral or a lead-ad submission.</summary>
public sealed record InboundEnvelope : InboundRecord
{
    /// <summary>The provider's conversation id (needed to reply); null for a lead whose TikTok user is unknown.</summary>
    public required string? ConversationId { get; init; }

    /// <summary>The customer: TikTok user id (or <c>lead:&lt;lead id&gt;</c> for a lead without a known user).</summary>
    public required string ContactId { get; init; }

    public string? ContactName { get; init; }

    public string? ContactCountry { get; init; }

    /// <summary>The business account that received it (Infobip <c>to</c>, TikTok <c>user_openid</c>), when known.</summary>
    public string? BusinessId { get; init; }

    /// <summary>The provider id of the message this one replies to, when the customer quoted one.</summary>
    public string? ReplyToMessageId { get; init; }

    public required FlowEvent Event { get; init; }
}

/// <summary>Infobip delivery report for a message we sent.</summary>
public sealed record DeliveryReport : InboundRecord
{
    /// <summary><c>status.groupName</c>: ACCEPTED, PENDING, UNDELIVERABLE, DELIVERED, EXPIRED or REJECTED.</summary>
    public required string Status { get; init; }

    public string? StatusName { get; init; }

    public string? ErrorName { get; init; }

    public bool ErrorPermanent { get; init; }

    public string? Recipient { get; init; }

    public string? CallbackData { get; init; }
}

/// <summary>Infobip seen report: the customer viewed a message we sent.</summary>
public sealed record SeenReport : InboundRecord
{
    public string? Recipient { get; init; }
}

/// <summary>
/// TikTok <c>im_send_msg</c>: the business sent a message (through the API or by a person in the app).
/// Recorded, never treated as a customer message.
/// </summary>
public sealed record BusinessEcho : InboundRecord
{
    public required string? ConversationId { get; init; }

    /// <summary>The customer the message went to.</summary>
    public string? ContactId { get; init; }

    /// <summary><c>message_tag.source</c>: API for our own sends, APP or WEB for a person.</summary>
    public string? Source { get; init; }

    public string? Text { get; init; }

    public bool IsOwnApiSend => string.Equals(Source, "API", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A message a person sent (any source but API, including none given) in a known conversation: it uses the
    /// conversation's quota (facts document, section 9). Our own API sends were counted when the guard allowed them.
    /// </summary>
    public bool CountsTowardQuota => !IsOwnApiSend && ConversationId is not null;

    /// <summary>What the engine counts (see <see cref="CountsTowardQuota"/>).</summary>
    public AgentMessage ToAgentMessage() =>
        new(ConversationId ?? throw new InvalidOperationException("an echo without a conversation counts toward nothing"), EffectiveAt, ContactId, Text, ProviderMessageId)
        {
            ProviderAt = OccurredAt,
            ReceivedAt = ReceivedAt,
        };
}

/// <summary>
/// TikTok <c>im_receive_msg_eu</c>: a user in the EEA, Switzerland or the UK wrote; the payload has no content,
/// sender or conversation, so nothing can answer it.
/// </summary>
public sealed record UnanswerableMessage : InboundRecord
{
    public string? BusinessId { get; init; }

    public required string Reason { get; init; }
}

/// <summary>TikTok <c>im_mark_read_msg</c>: the customer read the conversation.</summary>
public sealed record ReadReceipt : InboundRecord
{
    public required string? ConversationId { get; init; }

    public string? ContactId { get; init; }

    public DateTimeOffset? LastReadAt { get; init; }
}

/// <summary>A reaction to a message (Infobip REACTION, TikTok <c>reaction</c>): recorded, not an event.</summary>
public sealed record ReactionRecord : InboundRecord
{
    public required string? ConversationId { get; init; }

    public required string ContactId { get; init; }

    public string? TargetMessageId { get; init; }

    /// <summary>ADDED or REMOVED (Infobip), ADD or REMOVE (TikTok).</summary>
    public string? Action { get; init; }

    public string? Emoji { get; init; }
}

/// <summary>A well-formed TikTok event this service does not act on (e.g. <c>im_auto_message_config_update</c>).</summary>
public sealed record IgnoredEvent : InboundRecord
{
    public required string EventName { get; init; }
}
