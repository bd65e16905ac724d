using System.Text;
using FlowAutomation.Model;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;

namespace FlowAutomation.Server.Tests.Webhooks;

public sealed class TikTokWebhookParserTests
{
    private static readonly FakeTimeProvider Time = TestClock.Create();
    private readonly TikTokWebhookParser _parser = new(Time);

    private WebhookParseResult Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json));

    private T Single<T>(string json)
        where T : InboundRecord
    {
        var result = Parse(json);
        Assert.Null(result.Rejection);
        return Assert.IsType<T>(Assert.Single(result.Records));
    }

    [Fact]
    public void Parse_ReceiveText_IsMessageReceivedFromTheUser()
    {
        var envelope = Single<InboundEnvelope>(Payloads.TikTok("im_receive_msg", Payloads.TikTokTextContent));

        Assert.Equal(WebhookProvider.TikTok, envelope.Provider);
        Assert.Equal("tt-msg-1", envelope.ProviderMessageId);
        Assert.Equal("tiktok:message:tt-msg-1", envelope.DedupKey);
        Assert.Equal("tt-conv-1", envelope.ConversationId);
        Assert.Equal("tt-user-1", envelope.ContactId);
        Assert.Equal("alice", envelope.ContactName);
        Assert.Equal("biz-1", envelope.BusinessId);
        Assert.Equal("tt-out-3", envelope.ReplyToMessageId);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 8, 59, 50, TimeSpan.Zero), envelope.OccurredAt);
        Assert.Equal(FlowEvent.TextReceived(envelope.OccurredAt, "Hello"), envelope.Event);
    }

    [Theory]
    [InlineData("""{"type":"image","image":{"media_id":"md-1"}}""", MessageType.Image, null)]
    [InlineData("""{"type":"share_post","share_post":{"embed_url":"https://x","video_id":"v-55"}}""", MessageType.SharePost, "v-55")]
    [InlineData("""{"type":"sticker","sticker":{"url":"https://s"}}""", MessageType.Other, null)]
    [InlineData("""{"type":"video","video":{"media_id":"md-2"}}""", MessageType.Other, null)]
    public void Parse_ReceiveOtherTypes_MapsMessageType(string typePart, MessageType expected, string? postId)
    {
        var content = """{"conversation_id":"c","message_id":"m","from_user":{"id":"u","role":"personal_account"},""" + typePart[1..];

        var message = Single<InboundEnvelope>(Payloads.TikTok("im_receive_msg", content)).Event.Message!;

        Assert.Equal(expected, message.Type);
        Assert.Equal(postId, message.PostId);
    }

    [Fact]
    public void Parse_ReceiveReaction_IsRecordedNotAnEvent()
    {
        var content = """{"conversation_id":"c","message_id":"m","type":"reaction","from_user":{"id":"u"},"reaction":[{"operation":"ADD","emoji":"❤️","original_msg_id":"out-1"}]}""";

        var reaction = Single<ReactionRecord>(Payloads.TikTok("im_receive_msg", content));

        Assert.Equal("ADD", reaction.Action);
        Assert.Equal("out-1", reaction.TargetMessageId);
        Assert.Equal("u", reaction.ContactId);
    }

    [Fact]
    public void Parse_SendEcho_IsRecordedAsOwnApiSendNotACustomerMessage()
    {
        var echo = Single<BusinessEcho>(Payloads.TikTok("im_send_msg", Payloads.TikTokEchoContent));

        Assert.Equal("tt-msg-9", echo.ProviderMessageId);
        Assert.Equal("tt-conv-1", echo.ConversationId);
        Assert.Equal("tt-user-1", echo.ContactId);
        Assert.True(echo.IsOwnApiSend);
        Assert.Equal("Thanks!", echo.Text);
    }

    [Fact]
    public void Parse_ReceiveFromTheBusinessItself_IsAnEchoNotAnEvent()
    {
        var content = Payloads.TikTokEchoContent.Replace("\"API\"", "\"APP\"", StringComparison.Ordinal);

        var echo = Single<BusinessEcho>(Payloads.TikTok("im_receive_msg", content));

        Assert.False(echo.IsOwnApiSend);
        Assert.Equal("APP", echo.Source);
    }

    [Fact]
    public void Parse_EchoAndReceiveOfOneMessage_ShareADedupKey()
    {
        var echo = Single<BusinessEcho>(Payloads.TikTok("im_send_msg", Payloads.TikTokEchoContent));
        var sameAsReceive = Single<BusinessEcho>(Payloads.TikTok("im_receive_msg", Payloads.TikTokEchoContent));

        Assert.Equal(echo.DedupKey, sameAsReceive.DedupKey);
    }

    [Fact]
    public void Parse_ReferralAd_IsReferralReceived()
    {
        var envelope = Single<InboundEnvelope>(Payloads.TikTok("im_referral_msg", Payloads.TikTokReferralAdContent));

        Assert.Equal(EventKind.ReferralReceived, envelope.Event.Kind);
        Assert.Equal(new Referral(ReferralSource.Ad, "ad-77", null), envelope.Event.Referral);
        Assert.Equal("tt-user-2", envelope.ContactId);
        Assert.Equal("tt-conv-2", envelope.ConversationId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1748854700000), envelope.OccurredAt);
        Assert.StartsWith("tiktok:referral:sha256:", envelope.DedupKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReferralShortLink_CarriesRef()
    {
        var envelope = Single<InboundEnvelope>(Payloads.TikTok("im_referral_msg", Payloads.TikTokReferralLinkContent));

        Assert.Equal(new Referral(ReferralSource.ShortLink, null, "summer2025"), envelope.Event.Referral);
        Assert.Equal(Time.GetUtcNow(), envelope.OccurredAt); // create_time of the envelope
    }

    [Fact]
    public void Parse_SameReferralBodyTwice_SameDedupKey()
    {
        var body = Payloads.TikTok("im_referral_msg", Payloads.TikTokReferralAdContent);

        Assert.Equal(Single<InboundEnvelope>(body).DedupKey, Single<InboundEnvelope>(body).DedupKey);
    }

    [Fact]
    public void Parse_MarkRead_IsReadReceipt()
    {
        var read = Single<ReadReceipt>(Payloads.TikTok("im_mark_read_msg", Payloads.TikTokReadContent));

        Assert.Equal("tt-conv-1", read.ConversationId);
        Assert.Equal("tt-user-1", read.ContactId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1748854798000), read.LastReadAt);
    }

    [Fact]
    public void Parse_ReceiveEu_IsRecordedAsNotAnswerable()
    {
        var eu = Single<UnanswerableMessage>(Payloads.TikTok("im_receive_msg_eu", Payloads.TikTokEuContent));

        Assert.Equal("biz-1", eu.BusinessId);
        Assert.Equal(TikTokWebhookParser.EuUnanswerableReason, eu.Reason);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1748854790000), eu.OccurredAt);
    }

    [Fact]
    public void Parse_OtherEvent_IsIgnoredEvent()
    {
        var ignored = Single<IgnoredEvent>(Payloads.TikTok("im_auto_message_config_update", "{}"));

        Assert.Equal("im_auto_message_config_update", ignored.EventName);
    }

    [Fact]
    public void Parse_ContentAsInlineObject_IsAccepted()
    {
        var body = $$"""{"event":"im_receive_msg","create_time":1748854800,"user_openid":"biz-1","content":{{Payloads.TikTokTextContent}}}""";

        Assert.Equal("tt-msg-1", Single<InboundEnvelope>(body).ProviderMessageId);
    }

    [Theory]
    [InlineData("not json", "body is not JSON")]
    [InlineData("[1,2]", "body is not a JSON object")]
    [InlineData("""{"content":"{}"}""", "missing event")]
    [InlineData("""{"event":"im_receive_msg"}""", "missing content")]
    [InlineData("""{"event":"im_receive_msg","content":"{not json"}""", "content is not a JSON object")]
    [InlineData("""{"event":"im_receive_msg","content":"[1]"}""", "content is not a JSON object")]
    [InlineData("""{"event":"im_receive_msg","content":"{\"message_id\":\"m\",\"from_user\":{\"id\":\"u\"}}"}""", "missing content.conversation_id")]
    [InlineData("""{"event":"im_receive_msg","content":"{\"conversation_id\":\"c\",\"from_user\":{\"id\":\"u\"}}"}""", "missing content.message_id")]
    [InlineData("""{"event":"im_receive_msg","content":"{\"conversation_id\":\"c\",\"message_id\":\"m\"}"}""", "missing content.from_user.id")]
    [InlineData("""{"event":"im_send_msg","content":"{\"conversation_id\":\"c\"}"}""", "missing content.message_id")]
    [InlineData("""{"event":"im_referral_msg","content":"{\"conversation_id\":\"c\",\"from_user\":{\"id\":\"u\"}}"}""", "missing content.referral")]
    [InlineData("""{"event":"im_referral_msg","content":"{\"conversation_id\":\"c\",\"from_user\":{\"id\":\"u\"},\"referral\":{\"source\":\"tv\"}}"}""", "content.referral.source is neither \"ad\" nor \"short_link\"")]
    [InlineData("""{"event":"im_mark_read_msg","content":"{}"}""", "missing content.conversation_id")]
    public void Parse_Malformed_FailsWithReason(string json, string reason)
    {
        var result = Parse(json);

        Assert.Equal(400, result.Rejection!.StatusCode);
        Assert.Equal(reason, result.Rejection.Reason);
    }
}
