using System.Text.Json;
using FlowAutomation.Model;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Inbox;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// Parses TikTok's own Business Messaging webhook: an envelope (<c>client_key</c>, <c>event</c>, <c>create_time</c>
/// in seconds, <c>user_openid</c> = the business) whose <c>content</c> is a JSON string parsed a second time.
/// </summary>
internal sealed class TikTokWebhookParser(TimeProvider time)
{
    public const string EuUnanswerableReason = "user in the EEA, Switzerland or the UK: TikTok sends no content, sender or conversation, so no reply is possible";

    public WebhookParseResult Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.TryParse(body, out var notJson);
        if (document is null)
            return WebhookParseResult.Fail(notJson!);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return WebhookParseResult.Fail("body is not a JSON object");
        if (root.String("event") is not { } eventName)
            return WebhookParseResult.Fail("missing event");

        var now = time.GetUtcNow();
        var context = new EventContext(eventName, root.String("user_openid"), JsonFields.FromUnixSeconds(root.Int64("create_time")) ?? now, now, JsonFields.BodyHash(body.Span));
        if (eventName is not ("im_receive_msg" or "im_send_msg" or "im_referral_msg" or "im_mark_read_msg" or "im_receive_msg_eu"))
            return One(new IgnoredEvent { Provider = WebhookProvider.TikTok, ProviderMessageId = context.BodyHash, DedupKey = $"tiktok:{eventName}:{context.BodyHash}", OccurredAt = context.CreatedAt, ReceivedAt = now, EventName = eventName });

        using var contentDocument = ReadContent(root, out var contentError);
        if (contentDocument is null)
            return WebhookParseResult.Fail(contentError!);
        var content = contentDocument.RootElement;

        return eventName switch
        {
            "im_receive_msg" => ParseMessage(content, context),
            "im_send_msg" => ParseEcho(content, context),
            "im_referral_msg" => ParseReferral(content, context),
            "im_mark_read_msg" => ParseRead(content, context),
            _ => One(new UnanswerableMessage
            {
                Provider = WebhookProvider.TikTok,
                ProviderMessageId = context.BodyHash,
                DedupKey = $"tiktok:eu:{context.BodyHash}",
                OccurredAt = JsonFields.FromUnixMilliseconds(content.Int64("timestamp")) ?? context.CreatedAt,
                ReceivedAt = now,
                BusinessId = content.Object("to_user")?.String("id") ?? context.BusinessId,
                Reason = EuUnanswerableReason,
            }),
        };
    }

    private sealed record EventContext(string EventName, string? BusinessId, DateTimeOffset CreatedAt, DateTimeOffset Now, string BodyHash);

    /// <summary><c>content</c> is documented as a JSON string; an inline object is accepted too.</summary>
    private static JsonDocument? ReadContent(JsonElement root, out string? error)
    {
        error = null;
        switch (root.Get("content"))
        {
            case { ValueKind: JsonValueKind.String } text:
                var parsed = JsonFields.TryParse(text.GetString()!, "content", out error);
                if (error is null && (parsed is null || parsed.RootElement.ValueKind != JsonValueKind.Object))
                {
                    parsed?.Dispose();
                    error = "content is not a JSON object";
                }
                return error is not null ? null : parsed;
            case { ValueKind: JsonValueKind.Object } inline:
                return JsonDocument.Parse(inline.GetRawText());
            default:
                error = "missing content";
                return null;
        }
    }

    private static WebhookParseResult ParseMessage(JsonElement content, EventContext context)
    {
        var conversationId = content.String("conversation_id");
        var messageId = content.String("message_id");
        var fromUser = content.Object("from_user");
        var fromId = fromUser?.String("id");
        var failure = conversationId is null ? "missing content.conversation_id"
            : messageId is null ? "missing content.message_id"
            : fromId is null ? "missing content.from_user.id"
            : null;
        if (failure is not null)
            return WebhookParseResult.Fail(failure);

        // Direction has no flag: a message from the business account itself is an echo, never a customer message.
        if (fromId == context.BusinessId || fromUser?.String("role") == "business_account")
            return ParseEcho(content, context);

        var at = JsonFields.FromUnixMilliseconds(content.Int64("timestamp")) ?? context.CreatedAt;
        var type = content.String("type") ?? "";
        if (type == "reaction")
        {
            var reaction = content.Get("reaction") is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() > 0 ? list[0] : content.Object("reaction");
            return One(new ReactionRecord
            {
                Provider = WebhookProvider.TikTok,
                ProviderMessageId = messageId!,
                DedupKey = $"tiktok:message:{messageId}",
                OccurredAt = at,
                ReceivedAt = context.Now,
                ConversationId = conversationId,
                ContactId = fromId!,
                TargetMessageId = reaction?.String("original_msg_id"),
                Action = reaction?.String("operation"),
                Emoji = reaction?.String("emoji"),
            });
        }

        var message = type switch
        {
            "text" => new InboundMessage(MessageType.Text, content.Object("text")?.String("body")),
            "image" => new InboundMessage(MessageType.Image, null),
            "share_post" => new InboundMessage(MessageType.SharePost, null, PostId: content.Object("share_post")?.String("video_id")),
            _ => new InboundMessage(MessageType.Other, null),
        };
        return One(new InboundEnvelope
        {
            Provider = WebhookProvider.TikTok,
            ProviderMessageId = messageId!,
            DedupKey = $"tiktok:message:{messageId}",
            OccurredAt = at,
            ReceivedAt = context.Now,
            ConversationId = conversationId,
            ContactId = fromId!,
            ContactName = content.String("from"),
            BusinessId = context.BusinessId ?? content.Object("to_user")?.String("id"),
            ReplyToMessageId = content.Object("referenced_message_info")?.String("referenced_message_id"),
            Event = FlowEvent.MessageReceived(at, message),
        });
    }

    private static WebhookParseResult ParseEcho(JsonElement content, EventContext context)
    {
        var messageId = content.String("message_id");
        if (messageId is null)
            return WebhookParseResult.Fail("missing content.message_id");
        return One(new BusinessEcho
        {
            Provider = WebhookProvider.TikTok,
            ProviderMessageId = messageId,
            DedupKey = $"tiktok:message:{messageId}",
            OccurredAt = JsonFields.FromUnixMilliseconds(content.Int64("timestamp")) ?? context.CreatedAt,
            ReceivedAt = context.Now,
            ConversationId = content.String("conversation_id"),
            ContactId = content.Object("to_user")?.String("id"),
            Source = content.Object("message_tag")?.String("source"),
            Text = content.Object("text")?.String("body"),
        });
    }

    private static WebhookParseResult ParseReferral(JsonElement content, EventContext context)
    {
        var conversationId = content.String("conversation_id");
        var fromId = content.Object("from_user")?.String("id");
        var referral = content.Object("referral");
        var failure = conversationId is null ? "missing content.conversation_id"
            : fromId is null ? "missing content.from_user.id"
            : referral is null ? "missing content.referral"
            : null;
        if (failure is not null)
            return WebhookParseResult.Fail(failure);

        var ad = referral!.Value.Object("ad");
        var link = referral.Value.Object("short_link");
        Referral? parsed = referral.Value.String("source") switch
        {
            "ad" => new Referral(ReferralSource.Ad, ad?.String("ad_id"), null),
            "short_link" => new Referral(ReferralSource.ShortLink, null, link?.String("ref")),
            _ => null,
        };
        if (parsed is null)
            return WebhookParseResult.Fail("content.referral.source is neither \"ad\" nor \"short_link\"");

        var at = JsonFields.FromUnixMilliseconds(content.Int64("timestamp") ?? ad?.Int64("timestamp")) ?? context.CreatedAt;
        return One(new InboundEnvelope
        {
            Provider = WebhookProvider.TikTok,
            ProviderMessageId = context.BodyHash,
            DedupKey = $"tiktok:referral:{context.BodyHash}",
            OccurredAt = at,
            ReceivedAt = context.Now,
            ConversationId = conversationId,
            ContactId = fromId!,
            ContactName = content.String("from"),
            BusinessId = context.BusinessId,
            Event = FlowEvent.ReferralReceived(at, parsed),
        });
    }

    private static WebhookParseResult ParseRead(JsonElement content, EventContext context)
    {
        var conversationId = content.String("conversation_id");
        if (conversationId is null)
            return WebhookParseResult.Fail("missing content.conversation_id");
        return One(new ReadReceipt
        {
            Provider = WebhookProvider.TikTok,
            ProviderMessageId = context.BodyHash,
            DedupKey = $"tiktok:read:{context.BodyHash}",
            OccurredAt = JsonFields.FromUnixMilliseconds(content.Int64("timestamp")) ?? context.CreatedAt,
            ReceivedAt = context.Now,
            ConversationId = conversationId,
            ContactId = content.Object("from_user")?.String("id"),
            LastReadAt = JsonFields.FromUnixMilliseconds(content.Object("read")?.Int64("last_read_timestamp")),
        });
    }

    private static WebhookParseResult One(InboundRecord record) => WebhookParseResult.Ok([record]);
}
