using System.Collections.Immutable;
using System.Text.Json;
using FlowAutomation.Model;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Inbox;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// Parses Infobip's TikTok webhooks: inbound messages (<c>results[]</c> with TEXT, IMAGE, SHARE_POST, REFERRAL_AD,
/// REFERRAL_SHORT_LINK, REACTION) and delivery/seen reports. A body is taken whole or refused whole.
/// </summary>
internal sealed class InfobipWebhookParser(TimeProvider time)
{
    public WebhookParseResult ParseInbound(ReadOnlyMemory<byte> body) => ParseResults(body, ParseInboundResult);

    /// <summary>Delivery reports (a <c>status</c> object) and seen reports (a <c>seenAt</c> time) share one endpoint.</summary>
    public WebhookParseResult ParseReports(ReadOnlyMemory<byte> body) => ParseResults(body, ParseReport);

    /// <summary>The <c>results[]</c> array both endpoints receive, each item parsed in order; the first bad item fails the whole body.</summary>
    private WebhookParseResult ParseResults(ReadOnlyMemory<byte> body, ResultParser parse)
    {
        using var document = JsonFields.TryParse(body, out var notJson);
        if (document is null)
            return WebhookParseResult.Fail(notJson!);
        if (!TryGetResults(document.RootElement, out var results, out var failure))
            return failure;

        var now = time.GetUtcNow();
        var records = ImmutableArray.CreateBuilder<InboundRecord>(results.GetArrayLength());
        var index = 0;
        foreach (var result in results.EnumerateArray())
        {
            var record = parse(result, index++, now, out var error);
            if (record is null)
                return WebhookParseResult.Fail(error!);
            records.Add(record);
        }
        return WebhookParseResult.Ok(records.ToImmutable());
    }

    /// <summary>Parses item <paramref name="index"/> of <c>results[]</c>; its place (<see cref="At"/>) is made only for an error.</summary>
    private delegate InboundRecord? ResultParser(JsonElement result, int index, DateTimeOffset now, out string? error);

    /// <summary>The place of item <paramref name="index"/> of <c>results[]</c>, as errors name it.</summary>
    private static string At(int index) => $"results[{index}]";

    private static InboundRecord? Failed(string message, out string? error)
    {
        error = message;
        return null;
    }

    private static InboundRecord? ParseReport(JsonElement result, int index, DateTimeOffset now, out string? error)
    {
        error = null;
        if (result.ValueKind != JsonValueKind.Object)
            return Failed($"{At(index)} is not an object", out error);
        if (result.String("messageId") is not { } messageId)
            return Failed($"missing {At(index)}.messageId", out error);

        if (result.Object("status") is { } status)
        {
            if (status.String("groupName") is not { } group)
                return Failed($"missing {At(index)}.status.groupName", out error);
            var failure = result.Object("error");
            var statusName = status.String("name") ?? group;
            return new DeliveryReport
            {
                Provider = WebhookProvider.Infobip,
                ProviderMessageId = messageId,
                DedupKey = $"infobip:delivery:{messageId}:{statusName}",
                OccurredAt = result.Time("doneAt") ?? result.Time("sentAt") ?? now,
                ReceivedAt = now,
                Status = group,
                StatusName = statusName,
                ErrorName = failure?.String("name"),
                ErrorPermanent = failure?.Boolean("permanent") ?? false,
                Recipient = result.String("to"),
                CallbackData = result.String("callbackData"),
            };
        }

        if (result.Time("seenAt") is { } seenAt)
        {
            return new SeenReport
            {
                Provider = WebhookProvider.Infobip,
                ProviderMessageId = messageId,
                DedupKey = $"infobip:seen:{messageId}",
                OccurredAt = seenAt,
                ReceivedAt = now,
                Recipient = result.String("to") ?? result.String("from"),
            };
        }

        return Failed($"{At(index)} is neither a delivery report (status) nor a seen report (seenAt)", out error);
    }

    private static bool TryGetResults(JsonElement root, out JsonElement results, out WebhookParseResult failure)
    {
        failure = WebhookParseResult.Fail("missing results");
        results = default;
        if (root.Get("results") is not { } found)
            return false;
        if (found.ValueKind != JsonValueKind.Array)
        {
            failure = WebhookParseResult.Fail("results is not an array");
            return false;
        }
        results = found;
        return true;
    }

    private static InboundRecord? ParseInboundResult(JsonElement result, int index, DateTimeOffset now, out string? error)
    {
        error = null;
        if (result.ValueKind != JsonValueKind.Object)
        {
            error = $"{At(index)} is not an object";
            return null;
        }
        var sender = result.String("sender");
        var messageId = result.String("messageId");
        var message = result.Object("message");
        var type = message?.String("type");
        var conversationId = message?.String("conversationId");
        error = sender is null ? $"missing {At(index)}.sender"
            : messageId is null ? $"missing {At(index)}.messageId"
            : message is null ? $"missing {At(index)}.message"
            : type is null ? $"missing {At(index)}.message.type"
            : conversationId is null ? $"missing {At(index)}.message.conversationId"
            : type == "TEXT" && message.Value.String("text") is null ? $"missing {At(index)}.message.text"
            : null;
        if (error is not null)
            return null;

        var content = message!.Value;
        var occurredAt = result.Time("receivedAt") ?? now;
        if (type == "REACTION")
        {
            return new ReactionRecord
            {
                Provider = WebhookProvider.Infobip,
                ProviderMessageId = messageId!,
                DedupKey = $"infobip:inbound:{messageId}",
                OccurredAt = occurredAt,
                ReceivedAt = now,
                ConversationId = conversationId,
                ContactId = sender!,
                TargetMessageId = content.Object("context")?.String("id"),
                Action = content.String("action"),
                Emoji = content.String("emoji"),
            };
        }

        return new InboundEnvelope
        {
            Provider = WebhookProvider.Infobip,
            ProviderMessageId = messageId!,
            DedupKey = $"infobip:inbound:{messageId}",
            OccurredAt = occurredAt,
            ReceivedAt = now,
            ConversationId = conversationId,
            ContactId = sender!,
            BusinessId = result.String("to"),
            ReplyToMessageId = content.Object("context")?.String("id"),
            Event = ToEvent(type!, content, occurredAt),
        };
    }

    private static FlowEvent ToEvent(string type, JsonElement content, DateTimeOffset at)
    {
        var referral = ReadReferral(content.Object("referral"));
        return type switch
        {
            "TEXT" => FlowEvent.MessageReceived(at, new InboundMessage(MessageType.Text, content.String("text"), Referral: referral)),
            "IMAGE" => FlowEvent.MessageReceived(at, new InboundMessage(MessageType.Image, null, ImageUrl: content.String("mediaUrl"), Referral: referral)),
            "SHARE_POST" => FlowEvent.MessageReceived(at, new InboundMessage(MessageType.SharePost, null, PostId: PostIdFromEmbedUrl(content.String("embedUrl")), Referral: referral)),
            "REFERRAL_AD" => FlowEvent.ReferralReceived(at, new Referral(ReferralSource.Ad, content.String("adId"), null)),
            "REFERRAL_SHORT_LINK" => FlowEvent.ReferralReceived(at, new Referral(ReferralSource.ShortLink, null, content.String("ref"))),
            // A type Infobip adds later is still the customer writing: it opens the window, flows see type "other".
            _ => FlowEvent.MessageReceived(at, new InboundMessage(MessageType.Other, content.String("text"), Referral: referral)),
        };
    }

    /// <summary>The referral an inbound TEXT/IMAGE/SHARE_POST may carry (<c>sourceType</c> AD or SHORT_LINK).</summary>
    private static Referral? ReadReferral(JsonElement? referral)
    {
        if (referral is not { } r)
            return null;
        return r.String("sourceType") switch
        {
            "AD" => new Referral(ReferralSource.Ad, r.String("sourceId"), r.String("trackingRef")),
            "SHORT_LINK" => new Referral(ReferralSource.ShortLink, null, r.String("trackingRef") ?? r.String("sourceId")),
            _ => null,
        };
    }

    /// <summary>Infobip gives a shared post only as an embed URL; its last path segment is the post id when numeric.</summary>
    internal static string? PostIdFromEmbedUrl(string? embedUrl)
    {
        if (embedUrl is null || !Uri.TryCreate(embedUrl, UriKind.Absolute, out var uri))
            return null;
        var last = uri.AbsolutePath.TrimEnd('/').Split('/')[^1];
        return last.Length > 0 && last.All(char.IsAsciiDigit) ? last : null;
    }
}
