using FlowAutomation.Guard;
using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.State;
using static FlowAutomation.Tests.Guard.GuardTestData;

namespace FlowAutomation.Tests.Guard;

/// <summary>The default profile <c>tiktok</c>: the customer writes first, 48 h window, 10 messages, content rules.</summary>
public sealed class MessageGuardTests
{
    private static readonly PolicyProfile Profile = PolicyProfile.TikTok;

    private static GuardDecision Decide(ConversationState state, MessageDraft message, DateTimeOffset now) => MessageGuard.Decide(state, message, Profile, now);

    [Fact]
    public void Decide_CustomerNeverWrote_RefusesNotUserInitiated()
    {
        var decision = Decide(NewConversation(), Hello, T0);

        Assert.Equal(GuardReason.NotUserInitiated, decision.Reason);
        Assert.Equal("not_user_initiated", decision.ReasonCode);
        Assert.False(decision.HasWindow);
    }

    [Fact]
    public void Decide_OneSecondBefore48Hours_Allows()
    {
        var decision = Decide(WroteAt(T0, Profile), Hello, T0 + H(48) - TimeSpan.FromSeconds(1));

        Assert.True(decision.IsAllowed, decision.Describe());
        Assert.Equal(T0 + H(48), decision.WindowEnd);
    }

    [Fact]
    public void Decide_AtExactly48Hours_RefusesWindowExpiredWithTheWindow()
    {
        var decision = Decide(WroteAt(T0, Profile), Hello, T0 + H(48));

        Assert.Equal(GuardReason.WindowExpired, decision.Reason);
        Assert.Equal(T0, decision.WindowStart);
        Assert.Equal(T0 + H(48), decision.WindowEnd);
        Assert.Equal(0, decision.MessagesAllowed);
    }

    [Fact]
    public void Decide_TenthMessage_AllowedAndEleventhRefusedQuotaExhausted()
    {
        var state = SendAllowed(WroteAt(T0, Profile), 9, T0 + H(1), Profile);

        var tenth = Decide(state, Hello, T0 + H(2));
        state = MessageGuard.Reserve(state, tenth);
        var eleventh = Decide(state, Hello, T0 + H(3));

        Assert.True(tenth.IsAllowed);
        Assert.Equal((10, 10), (tenth.MessagesUsed, tenth.MessagesAllowed));
        Assert.Equal(GuardReason.QuotaExhausted, eleventh.Reason);
        Assert.Equal((10, 10), (eleventh.MessagesUsed, eleventh.MessagesAllowed));
        Assert.Equal((T0, T0 + H(48)), (eleventh.WindowStart, eleventh.WindowEnd));
    }

    [Fact]
    public void Decide_InboundAtTheWindowsLastSecond_RestartsWindowAndQuota()
    {
        var lastSecond = T0 + H(48) - TimeSpan.FromSeconds(1);
        var state = SendAllowed(WroteAt(T0, Profile), 10, T0 + H(1), Profile).RecordInbound(lastSecond, Profile);

        var afterOldEnd = Decide(state, Hello, T0 + H(49));
        var atNewEnd = Decide(state, Hello, lastSecond + H(48));

        Assert.True(afterOldEnd.IsAllowed, afterOldEnd.Describe());
        Assert.Equal(1, afterOldEnd.MessagesUsed);
        Assert.Equal((lastSecond, lastSecond + H(48)), (afterOldEnd.WindowStart, afterOldEnd.WindowEnd));
        Assert.Equal(GuardReason.WindowExpired, atNewEnd.Reason);
    }

    [Fact]
    public void Decide_InboundAfterTheWindowClosed_OpensANewWindow()
    {
        var state = WroteAt(T0, Profile).RecordInbound(T0 + H(100), Profile);

        var decision = Decide(state, Hello, T0 + H(120));

        Assert.True(decision.IsAllowed);
        Assert.Equal(T0 + H(148), decision.WindowEnd);
    }

    [Fact]
    public void Decide_RefusedMessage_TakesNoSlot()
    {
        var state = WroteAt(T0, Profile);
        var refused = Decide(state, MessageDraft.ForText(""), T0);

        Assert.Same(state, MessageGuard.Reserve(state, refused));
        Assert.Equal(10, state.ToConversationFacts(Profile, T0).MessagesLeft);
    }

    [Fact]
    public void Decide_LeadSubmission_OpensWindowByDefault()
    {
        var state = NewConversation().RecordLeadSubmission(T0, Profile);

        var inside = Decide(state, Hello, T0 + H(1));
        var after = Decide(state, Hello, T0 + H(48));

        Assert.True(inside.IsAllowed);
        Assert.Equal(WindowOpener.Lead, inside.WindowOpener);
        Assert.Equal(GuardReason.WindowExpired, after.Reason);
    }

    [Fact]
    public void Decide_LeadSubmissionWhenLeadsDoNotOpenWindows_RefusesNotUserInitiated()
    {
        var profile = Profile with { LeadOpensWindow = false };
        var state = NewConversation().RecordLeadSubmission(T0, profile);

        Assert.Equal(GuardReason.NotUserInitiated, MessageGuard.Decide(state, Hello, profile, T0 + H(1)).Reason);
    }

    [Fact]
    public void Decide_LeadAfterExhaustedQuotaWhenLeadsDoNotOpenWindows_KeepsTheQuota()
    {
        var profile = Profile with { LeadOpensWindow = false };
        var state = SendAllowed(WroteAt(T0, profile), 10, T0, profile).RecordLeadSubmission(T0 + H(1), profile);

        Assert.Equal(GuardReason.QuotaExhausted, MessageGuard.Decide(state, Hello, profile, T0 + H(2)).Reason);
    }

    [Fact]
    public void Decide_Text6000Characters_Allowed()
    {
        Assert.True(Decide(WroteAt(T0, Profile), MessageDraft.ForText(new string('a', 6000)), T0).IsAllowed);
    }

    [Fact]
    public void Decide_Text6001Characters_RefusesTextTooLongWithLengthAndLimit()
    {
        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForText(new string('a', 6001)), T0);

        Assert.Equal(GuardReason.TextTooLong, decision.Reason);
        Assert.Equal((6001, 6000), (decision.TextLength, decision.TextLimit));
    }

    [Fact]
    public void Decide_EmojiWithSkinTone_CountsAsOneCharacter()
    {
        const string thumbsUp = "👍🏽"; // 4 UTF-16 units, one character
        var state = WroteAt(T0, Profile);

        var exactly = Decide(state, MessageDraft.ForText(string.Concat(Enumerable.Repeat(thumbsUp, 6000))), T0);
        var over = Decide(state, MessageDraft.ForText(string.Concat(Enumerable.Repeat(thumbsUp, 6001))), T0);

        Assert.True(exactly.IsAllowed, exactly.Describe());
        Assert.Equal(6001, over.TextLength);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public void Decide_BlankText_RefusesTextEmpty(string text)
    {
        Assert.Equal(GuardReason.TextEmpty, Decide(WroteAt(T0, Profile), MessageDraft.ForText(text), T0).Reason);
    }

    [Theory]
    [InlineData("ftp://cdn.shop.example/a.png")]
    [InlineData("cdn.shop.example/a.png")]
    [InlineData("https:///a.png")]
    [InlineData("https://cdn.shop.example/price list.png")]
    [InlineData("https://user@cdn.shop.example/a.png")]
    [InlineData("")]
    public void Decide_ImageUrlNotHttp_RefusesImageUrlInvalid(string url)
    {
        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForImage(url), T0);

        Assert.Equal(GuardReason.ImageUrlInvalid, decision.Reason);
        Assert.Equal(url, decision.Detail);
    }

    [Theory]
    [InlineData("https://cdn.shop.example/anim.gif", "gif")]
    [InlineData("https://cdn.shop.example/photo.WEBP?v=2", "webp")]
    [InlineData("https://cdn.shop.example/photo", "")]
    public void Decide_ImageFormatNotAllowed_RefusesImageFormatUnsupportedWithFormat(string url, string format)
    {
        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForImage(url), T0);

        Assert.Equal(GuardReason.ImageFormatUnsupported, decision.Reason);
        Assert.Equal(format, decision.Format);
    }

    [Theory]
    [InlineData("https://cdn.shop.example/a.png")]
    [InlineData("HTTP://CDN.shop.example:8080/dir/a.JPG?size=large#top")]
    [InlineData("https://cdn.shop.example/a.jpeg")]
    public void Decide_ImageJpgOrPng_Allowed(string url)
    {
        Assert.True(Decide(WroteAt(T0, Profile), MessageDraft.ForImage(url), T0).IsAllowed);
    }

    [Fact]
    public void Decide_ImageOfExactly3MB_AllowedAndOneByteMoreRefusedImageTooLarge()
    {
        var state = WroteAt(T0, Profile);
        const long limit = 3L * 1024 * 1024;

        var exactly = Decide(state, MessageDraft.ForImage("https://cdn.shop.example/a.png", limit), T0);
        var over = Decide(state, MessageDraft.ForImage("https://cdn.shop.example/a.png", limit + 1), T0);

        Assert.True(exactly.IsAllowed);
        Assert.Equal(GuardReason.ImageTooLarge, over.Reason);
        Assert.Equal((limit + 1, limit), (over.ImageBytes, over.ImageMaxBytes));
    }

    [Fact]
    public void Decide_ImageMeasuredLargerThanDeclared_RefusesImageTooLargeWithTheMeasuredSize()
    {
        var measured = new ImageFacts { Bytes = 5L * 1024 * 1024, Format = "png" };

        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForImage("https://cdn.shop.example/a.png", 1024) with { Image = measured }, T0);

        Assert.Equal(GuardReason.ImageTooLarge, decision.Reason);
        Assert.Equal(5L * 1024 * 1024, decision.ImageBytes);
        Assert.Equal("measured at the URL", decision.Finding);
    }

    [Theory]
    [InlineData("gif", false)]
    [InlineData("text/html", false)]
    [InlineData("jpeg", true)]
    [InlineData("png", true)]
    public void Decide_ImageMeasuredFormat_BeatsTheUrlsExtension(string format, bool allowed)
    {
        var found = new ImageFacts { Bytes = 1024, Format = format, FormatSource = "read from the file's first bytes" };

        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForImage("https://cdn.shop.example/a.png") with { Image = found }, T0);

        Assert.Equal(allowed ? GuardReason.None : GuardReason.ImageFormatUnsupported, decision.Reason);
        Assert.Equal(allowed ? null : format, decision.Format);
    }

    [Fact]
    public void Decide_ImageOnlyJpgAllowed_AcceptsAMeasuredJpeg()
    {
        var profile = Profile with { ImageFormats = ["jpg"] };

        var decision = MessageGuard.Decide(WroteAt(T0, profile), MessageDraft.ForImage("https://cdn.shop.example/a.jpg") with { Image = new ImageFacts { Format = "jpeg" } }, profile, T0);

        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public void Decide_ImageThatCannotBeFetched_RefusesImageUrlInvalidWithTheCause()
    {
        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForImage("https://cdn.shop.example/a.png") with { Image = ImageFacts.Unreachable("HTTP 404 Not Found") }, T0);

        Assert.Equal(GuardReason.ImageUrlInvalid, decision.Reason);
        Assert.Equal(("https://cdn.shop.example/a.png", "HTTP 404 Not Found"), (decision.Detail, decision.Finding));
    }

    [Fact]
    public void Decide_ImageNotMeasured_DecidesOnTheDeclaredSize()
    {
        var image = MessageDraft.ForImage("https://cdn.shop.example/a.png", 4L * 1024 * 1024) with { Image = ImageFacts.NotMeasured };

        Assert.Equal(GuardReason.ImageTooLarge, Decide(WroteAt(T0, Profile), image, T0).Reason);
    }

    [Theory]
    [InlineData("https://www.tiktok.com/@shop/video/7301234567890")]
    [InlineData("")]
    [InlineData("id 123")]
    public void Decide_SharePostNotAnId_RefusesSharePostInvalid(string postId)
    {
        Assert.Equal(GuardReason.SharePostInvalid, Decide(WroteAt(T0, Profile), MessageDraft.ForSharePost(postId), T0).Reason);
    }

    [Fact]
    public void Decide_SharePostId_Allowed()
    {
        Assert.True(Decide(WroteAt(T0, Profile), MessageDraft.ForSharePost("7301234567890"), T0).IsAllowed);
    }

    [Fact]
    public void Decide_Validity48Hours_AllowedAndOneSecondMoreRefusedValidityTooLong()
    {
        var state = WroteAt(T0, Profile);

        var exactly = Decide(state, MessageDraft.ForText("hi", H(48)), T0);
        var over = Decide(state, MessageDraft.ForText("hi", H(48) + TimeSpan.FromSeconds(1)), T0);

        Assert.True(exactly.IsAllowed);
        Assert.Equal(GuardReason.ValidityTooLong, over.Reason);
        Assert.Equal((H(48) + TimeSpan.FromSeconds(1), H(48)), (over.RequestedValidity, over.MaxValidity));
    }

    [Theory]
    [InlineData(OutboundKind.Video)]
    [InlineData(OutboundKind.Voice)]
    [InlineData(OutboundKind.Sticker)]
    [InlineData(OutboundKind.File)]
    public void Decide_TypeTikTokDoesNotTake_RefusesMessageTypeUnsupported(OutboundKind kind)
    {
        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForUnsupported(kind), T0);

        Assert.Equal(GuardReason.MessageTypeUnsupported, decision.Reason);
        Assert.Equal(kind, decision.Kind);
    }

    [Theory]
    [InlineData(OutboundKind.Image, "in", GuardReason.MediaRegionBlocked)]
    [InlineData(OutboundKind.Image, "SG", GuardReason.None)]
    [InlineData(OutboundKind.Image, null, GuardReason.None)]
    [InlineData(OutboundKind.Text, "IN", GuardReason.None)]
    public void Decide_MediaBlockedCountry_RefusesImagesOnly(OutboundKind kind, string? country, GuardReason expected)
    {
        var profile = Profile with { MediaBlockedCountries = ["IN", "VN"] };
        var message = kind == OutboundKind.Image ? MessageDraft.ForImage("https://cdn.shop.example/a.png") : Hello;

        var decision = MessageGuard.Decide(WroteAt(T0, profile), message with { RecipientCountry = country }, profile, T0);

        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public void Decide_ReportedContact_RefusesContactReportedUnlessThePolicyAllowsIt()
    {
        var state = WroteAt(T0, Profile).MarkReported();

        Assert.Equal(GuardReason.ContactReported, Decide(state, Hello, T0).Reason);
        Assert.True(MessageGuard.Decide(state, Hello, Profile with { MessageReportedContacts = true }, T0).IsAllowed);
    }

    [Fact]
    public void Decide_BadContentInClosedWindow_ReportsTheContentFirst()
    {
        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForImage("https://cdn.shop.example/a.gif"), T0 + H(100));

        Assert.Equal(GuardReason.ImageFormatUnsupported, decision.Reason);
    }

    [Fact]
    public void Decide_ReportedContactWhoNeverWrote_ReportsTheContactBeforeTheWindow()
    {
        Assert.Equal(GuardReason.ContactReported, Decide(NewConversation().MarkReported(), Hello, T0).Reason);
    }

    [Fact]
    public void Decide_TooLongTextWithBadValidity_ReportsTheTextFirst()
    {
        var decision = Decide(WroteAt(T0, Profile), MessageDraft.ForText(new string('a', 6001), H(72)), T0);

        Assert.Equal(GuardReason.TextTooLong, decision.Reason);
    }
}
