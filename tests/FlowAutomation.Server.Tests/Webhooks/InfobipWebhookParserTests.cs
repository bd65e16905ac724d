using System.Text;
using FlowAutomation.Model;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;

namespace FlowAutomation.Server.Tests.Webhooks;

public sealed class InfobipWebhookParserTests
{
    private static readonly FakeTimeProvider Time = TestClock.Create();
    private readonly InfobipWebhookParser _parser = new(Time);

    private WebhookParseResult Inbound(string json) => _parser.ParseInbound(Encoding.UTF8.GetBytes(json));

    private WebhookParseResult Reports(string json) => _parser.ParseReports(Encoding.UTF8.GetBytes(json));

    private InboundEnvelope SingleEnvelope(string json)
    {
        var result = Inbound(json);
        Assert.Null(result.Rejection);
        return Assert.IsType<InboundEnvelope>(Assert.Single(result.Records));
    }

    [Fact]
    public void ParseInbound_Text_IsMessageReceivedWithReferralAndContext()
    {
        var envelope = SingleEnvelope(Payloads.InfobipText);

        Assert.Equal(WebhookProvider.Infobip, envelope.Provider);
        Assert.Equal("ib-msg-1", envelope.ProviderMessageId);
        Assert.Equal("infobip:inbound:ib-msg-1", envelope.DedupKey);
        Assert.Equal("conv-1", envelope.ConversationId);
        Assert.Equal("user-1", envelope.ContactId);
        Assert.Equal("biz-1", envelope.BusinessId);
        Assert.Equal("out-7", envelope.ReplyToMessageId);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 8, 59, 30, TimeSpan.Zero), envelope.OccurredAt);
        Assert.Equal(Time.GetUtcNow(), envelope.ReceivedAt);
        Assert.Equal(EventKind.MessageReceived, envelope.Event.Kind);
        Assert.Equal(envelope.OccurredAt, envelope.Event.At);
        Assert.Equal(new InboundMessage(MessageType.Text, "How much is it?", Referral: new Referral(ReferralSource.Ad, "ad-42", "summer")), envelope.Event.Message);
        Assert.Equal(new Referral(ReferralSource.Ad, "ad-42", "summer"), envelope.Event.Referral);
    }

    [Fact]
    public void ParseInbound_Image_CarriesMediaUrl()
    {
        var message = SingleEnvelope(Payloads.InfobipImage).Event.Message!;

        Assert.Equal(MessageType.Image, message.Type);
        Assert.Equal("https://media.example/a.png", message.ImageUrl);
        Assert.Null(message.Text);
    }

    [Fact]
    public void ParseInbound_SharePost_TakesPostIdFromEmbedUrl()
    {
        var envelope = SingleEnvelope(Payloads.InfobipSharePost);

        Assert.Equal(MessageType.SharePost, envelope.Event.Message!.Type);
        Assert.Equal("7301234567890", envelope.Event.Message.PostId);
        Assert.Equal(Time.GetUtcNow(), envelope.OccurredAt); // no receivedAt: our clock
    }

    [Fact]
    public void ParseInbound_ReferralAd_IsReferralReceived()
    {
        var envelope = SingleEnvelope(Payloads.InfobipReferralAd);

        Assert.Equal(EventKind.ReferralReceived, envelope.Event.Kind);
        Assert.Null(envelope.Event.Message);
        Assert.Equal(new Referral(ReferralSource.Ad, "ad-9", null), envelope.Event.Referral);
        Assert.Equal("conv-2", envelope.ConversationId);
    }

    [Fact]
    public void ParseInbound_ReferralShortLink_IsReferralReceivedWithRef()
    {
        var envelope = SingleEnvelope(Payloads.InfobipReferralShortLink);

        Assert.Equal(EventKind.ReferralReceived, envelope.Event.Kind);
        Assert.Equal(new Referral(ReferralSource.ShortLink, null, "qr-store-1"), envelope.Event.Referral);
    }

    [Fact]
    public void ParseInbound_Reaction_IsRecordedNotAnEvent()
    {
        var result = Inbound(Payloads.InfobipReaction);

        var reaction = Assert.IsType<ReactionRecord>(Assert.Single(result.Records));
        Assert.Equal("user-1", reaction.ContactId);
        Assert.Equal("out-7", reaction.TargetMessageId);
        Assert.Equal("ADDED", reaction.Action);
        Assert.Equal("👍", reaction.Emoji);
    }

    [Fact]
    public void ParseInbound_UnknownType_IsMessageOfTypeOther()
    {
        var envelope = SingleEnvelope("""{"results":[{"sender":"u","messageId":"m","message":{"type":"VOICE","conversationId":"c"}}]}""");

        Assert.Equal(MessageType.Other, envelope.Event.Message!.Type);
    }

    [Fact]
    public void ParseInbound_SeveralResults_KeepsOrder()
    {
        var result = Inbound("""
            {"results":[
              {"sender":"u1","messageId":"m1","message":{"type":"TEXT","conversationId":"c1","text":"one"}},
              {"sender":"u2","messageId":"m2","message":{"type":"TEXT","conversationId":"c2","text":"two"}}]}
            """);

        Assert.Equal(["m1", "m2"], result.Records.Select(r => r.ProviderMessageId));
    }

    [Fact]
    public void ParseInbound_EmptyResults_IsEmptySuccess()
    {
        var result = Inbound("""{"results":[]}""");

        Assert.True(result.IsSuccess);
        Assert.Empty(result.Records);
    }

    [Theory]
    [InlineData("", "body is not JSON")]
    [InlineData("{\"results\":", "body is not JSON")]
    [InlineData("<xml/>", "body is not JSON")]
    [InlineData("{}", "missing results")]
    [InlineData("{\"results\":{}}", "results is not an array")]
    [InlineData("{\"results\":[42]}", "results[0] is not an object")]
    [InlineData("{\"results\":[{\"messageId\":\"m\",\"message\":{\"type\":\"TEXT\",\"conversationId\":\"c\",\"text\":\"x\"}}]}", "missing results[0].sender")]
    [InlineData("{\"results\":[{\"sender\":\"u\",\"message\":{\"type\":\"TEXT\",\"conversationId\":\"c\",\"text\":\"x\"}}]}", "missing results[0].messageId")]
    [InlineData("{\"results\":[{\"sender\":\"u\",\"messageId\":\"m\"}]}", "missing results[0].message")]
    [InlineData("{\"results\":[{\"sender\":\"u\",\"messageId\":\"m\",\"message\":{\"conversationId\":\"c\"}}]}", "missing results[0].message.type")]
    [InlineData("{\"results\":[{\"sender\":\"u\",\"messageId\":\"m\",\"message\":{\"type\":\"TEXT\",\"text\":\"x\"}}]}", "missing results[0].message.conversationId")]
    [InlineData("{\"results\":[{\"sender\":\"u\",\"messageId\":\"m\",\"message\":{\"type\":\"TEXT\",\"conversationId\":\"c\"}}]}", "missing results[0].message.text")]
    public void ParseInbound_Malformed_FailsWithReason(string json, string reason)
    {
        var result = Inbound(json);

        Assert.False(result.IsSuccess);
        Assert.Equal(400, result.Rejection!.StatusCode);
        Assert.Equal(reason, result.Rejection.Reason);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void ParseInbound_SecondResultMalformed_RefusesTheWholeBody()
    {
        var result = Inbound("""
            {"results":[
              {"sender":"u1","messageId":"m1","message":{"type":"TEXT","conversationId":"c1","text":"one"}},
              {"messageId":"m2","message":{"type":"TEXT","conversationId":"c2","text":"two"}}]}
            """);

        Assert.Equal("missing results[1].sender", result.Rejection!.Reason);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void ParseReports_DeliveryReport_ReadsStatusAndError()
    {
        var report = Assert.IsType<DeliveryReport>(Assert.Single(Reports(Payloads.InfobipDeliveryReport).Records));

        Assert.Equal("out-7", report.ProviderMessageId);
        Assert.Equal("DELIVERED", report.Status);
        Assert.Equal("DELIVERED_TO_HANDSET", report.StatusName);
        Assert.Equal("NO_ERROR", report.ErrorName);
        Assert.False(report.ErrorPermanent);
        Assert.Equal("user-1", report.Recipient);
        Assert.Equal("conv-1", report.CallbackData);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 9, 0, 2, TimeSpan.Zero), report.OccurredAt);
        Assert.Equal("infobip:delivery:out-7:DELIVERED_TO_HANDSET", report.DedupKey);
    }

    [Fact]
    public void ParseReports_TwoStatusesOfOneMessage_HaveDifferentDedupKeys()
    {
        var pending = Reports("""{"results":[{"messageId":"out-7","status":{"groupName":"PENDING","name":"PENDING_ENROUTE"}}]}""").Records[0];
        var delivered = Reports(Payloads.InfobipDeliveryReport).Records[0];

        Assert.NotEqual(pending.DedupKey, delivered.DedupKey);
    }

    [Fact]
    public void ParseReports_SeenReport_ReadsSeenAt()
    {
        var seen = Assert.IsType<SeenReport>(Assert.Single(Reports(Payloads.InfobipSeenReport).Records));

        Assert.Equal("out-7", seen.ProviderMessageId);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 9, 5, 0, TimeSpan.Zero), seen.OccurredAt);
        Assert.Equal("infobip:seen:out-7", seen.DedupKey);
    }

    [Theory]
    [InlineData("nope", "body is not JSON")]
    [InlineData("{\"results\":[{\"status\":{\"groupName\":\"DELIVERED\"}}]}", "missing results[0].messageId")]
    [InlineData("{\"results\":[{\"messageId\":\"m\",\"status\":{\"name\":\"X\"}}]}", "missing results[0].status.groupName")]
    [InlineData("{\"results\":[{\"messageId\":\"m\"}]}", "results[0] is neither a delivery report (status) nor a seen report (seenAt)")]
    public void ParseReports_Malformed_FailsWithReason(string json, string reason)
    {
        Assert.Equal(reason, Reports(json).Rejection!.Reason);
    }

    [Theory]
    [InlineData("https://www.tiktok.com/embed/v2/7301234567890", "7301234567890")]
    [InlineData("https://www.tiktok.com/embed/v2/7301234567890/", "7301234567890")]
    [InlineData("https://www.tiktok.com/@shop/video/abc", null)]
    [InlineData("not a url", null)]
    public void PostIdFromEmbedUrl_ReadsNumericLastSegment(string url, string? expected)
    {
        Assert.Equal(expected, InfobipWebhookParser.PostIdFromEmbedUrl(url));
    }
}
