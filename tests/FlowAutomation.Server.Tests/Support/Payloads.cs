namespace FlowAutomation.Server.Tests.Support;

/// <summary>Webhook bodies in the shapes of the facts document, section 6.</summary>
internal static class Payloads
{
    public const string InfobipText = """
        { "results": [ {
            "sender": "user-1", "to": "biz-1", "integrationType": "TIKTOK",
            "receivedAt": "2025-06-02T08:59:30.000+0000", "messageId": "ib-msg-1",
            "message": { "type": "TEXT", "conversationId": "conv-1", "text": "How much is it?",
                         "context": { "id": "out-7" },
                         "referral": { "sourceType": "AD", "sourceId": "ad-42", "trackingRef": "summer" } },
            "price": { "pricePerMessage": 0, "currency": "EUR" } } ],
          "messageCount": 1, "pendingMessageCount": 0 }
        """;

    /// <summary>An Infobip inbound TEXT message with the given ids and time.</summary>
    public static string InfobipMessage(string messageId, string conversationId, string user, string text, string receivedAt = "2025-06-02T08:59:30.000+0000") =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            results = new[]
            {
                new
                {
                    sender = user, to = "biz-1", integrationType = "TIKTOK", receivedAt, messageId,
                    message = new { type = "TEXT", conversationId, text },
                },
            },
            messageCount = 1,
            pendingMessageCount = 0,
        });

    public const string InfobipImage = """
        { "results": [ { "sender": "user-1", "to": "biz-1", "messageId": "ib-msg-2", "receivedAt": "2025-06-02T09:00:00.000+0000",
            "message": { "type": "IMAGE", "conversationId": "conv-1", "mediaUrl": "https://media.example/a.png" } } ] }
        """;

    public const string InfobipSharePost = """
        { "results": [ { "sender": "user-1", "to": "biz-1", "messageId": "ib-msg-3",
            "message": { "type": "SHARE_POST", "conversationId": "conv-1", "embedUrl": "https://www.tiktok.com/embed/v2/7301234567890" } } ] }
        """;

    public const string InfobipReferralAd = """
        { "results": [ { "sender": "user-2", "to": "biz-1", "messageId": "ib-msg-4",
            "message": { "type": "REFERRAL_AD", "conversationId": "conv-2", "advertiserId": "adv-1", "adId": "ad-9", "adName": "Summer sale" } } ] }
        """;

    public const string InfobipReferralShortLink = """
        { "results": [ { "sender": "user-3", "to": "biz-1", "messageId": "ib-msg-5",
            "message": { "type": "REFERRAL_SHORT_LINK", "conversationId": "conv-3", "ref": "qr-store-1",
                         "prefilledMessage": "Hi!", "prefilledMessageAuditStatus": "PASS" } } ] }
        """;

    public const string InfobipReaction = """
        { "results": [ { "sender": "user-1", "to": "biz-1", "messageId": "ib-msg-6",
            "message": { "type": "REACTION", "conversationId": "conv-1", "context": { "id": "out-7" },
                         "action": "ADDED", "reactionType": "EMOJI", "emoji": "👍" } } ] }
        """;

    public const string InfobipDeliveryReport = """
        { "results": [ { "bulkId": "b-1", "messageId": "out-7", "to": "user-1", "sender": "biz-1",
            "sentAt": "2025-06-02T09:00:00.000+0000", "doneAt": "2025-06-02T09:00:02.000+0000", "messageCount": 1,
            "status": { "groupId": 3, "groupName": "DELIVERED", "id": 5, "name": "DELIVERED_TO_HANDSET", "description": "" },
            "error": { "groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR", "permanent": false },
            "callbackData": "conv-1" } ] }
        """;

    public const string InfobipSeenReport = """
        { "results": [ { "messageId": "out-7", "from": "biz-1", "to": "user-1",
            "sentAt": "2025-06-02T09:00:00.000+0000", "seenAt": "2025-06-02T09:05:00.000+0000" } ] }
        """;

    /// <summary>TikTok's envelope with <paramref name="content"/> (a JSON object) embedded as a JSON string.</summary>
    public static string TikTok(string eventName, string content, string businessId = "biz-1") =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["client_key"] = "app-1",
            ["event"] = eventName,
            ["create_time"] = 1748854800,
            ["user_openid"] = businessId,
            ["content"] = content,
        });

    public const string TikTokTextContent = """
        {"conversation_id":"tt-conv-1","message_id":"tt-msg-1","timestamp":1748854790000,"type":"text","text":{"body":"Hello"},
         "from":"alice","to":"shop","from_user":{"id":"tt-user-1","role":"personal_account"},"to_user":{"id":"biz-1","role":"business_account"},
         "is_follower":true,"message_tag":{"source":"APP"},"referenced_message_info":{"referenced_message_id":"tt-out-3"}}
        """;

    public const string TikTokEchoContent = """
        {"conversation_id":"tt-conv-1","message_id":"tt-msg-9","timestamp":1748854795000,"type":"text","text":{"body":"Thanks!"},
         "from_user":{"id":"biz-1","role":"business_account"},"to_user":{"id":"tt-user-1","role":"personal_account"},
         "message_tag":{"source":"API"}}
        """;

    public const string TikTokReferralAdContent = """
        {"conversation_id":"tt-conv-2","from":"bob","from_user":{"id":"tt-user-2","role":"personal_account"},"to_user":{"id":"biz-1","role":"business_account"},
         "referral":{"source":"ad","ad":{"advertiser_id":"adv-1","ad_id":"ad-77","timestamp":1748854700000,"ad_name":"Sale"}}}
        """;

    public const string TikTokReferralLinkContent = """
        {"conversation_id":"tt-conv-3","from_user":{"id":"tt-user-3","role":"personal_account"},
         "referral":{"source":"short_link","short_link":{"ref":"summer2025","prefilled_message":"Hi","prefilled_message_audit_status":"PASS"}}}
        """;

    public const string TikTokReadContent = """
        {"conversation_id":"tt-conv-1","timestamp":1748854799000,"from_user":{"id":"tt-user-1","role":"personal_account"},
         "read":{"last_read_timestamp":1748854798000}}
        """;

    public const string TikTokEuContent = """
        {"to":"shop","to_user":{"id":"biz-1","role":"business_account"},"timestamp":1748854790000}
        """;

    public const string Lead = """
        { "event": "lead.submitted", "lead_id": "lead-1001", "create_time": "2025-06-02T08:58:00Z",
          "form_id": "form-5", "form_name": "Quote request", "ad_id": "ad-9", "campaign_id": "camp-3",
          "fields": { "email": "alice@example.com", "phone_number": "+6591234567", "full_name": "Alice Tan", "budget": 1500, "interests": ["sofa", "lamp"] },
          "user": { "id": "tt-user-1", "conversation_id": "tt-conv-1", "country": "SG" } }
        """;

    public static IEnumerable<string> All =>
    [
        InfobipText, InfobipImage, InfobipSharePost, InfobipReferralAd, InfobipReferralShortLink, InfobipReaction,
        InfobipDeliveryReport, InfobipSeenReport, TikTok("im_receive_msg", TikTokTextContent), TikTok("im_send_msg", TikTokEchoContent),
        TikTok("im_referral_msg", TikTokReferralAdContent), TikTok("im_mark_read_msg", TikTokReadContent),
        TikTok("im_receive_msg_eu", TikTokEuContent), Lead,
    ];
}
