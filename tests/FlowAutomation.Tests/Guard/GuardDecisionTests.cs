using FlowAutomation.Guard;
using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.State;
using static FlowAutomation.Tests.Guard.GuardTestData;

namespace FlowAutomation.Tests.Guard;

/// <summary>The decision's reason codes and the text a marketer reads.</summary>
public sealed class GuardDecisionTests
{
    private static readonly PolicyProfile Profile = PolicyProfile.TikTok;

    [Fact]
    public void Codes_AreExactlyTheContractsReasonCodes()
    {
        string[] contract =
        [
            "not_user_initiated", "window_expired", "quota_exhausted", "text_too_long", "text_empty", "image_url_invalid",
            "image_format_unsupported", "image_too_large", "share_post_invalid", "validity_too_long", "media_region_blocked",
            "message_type_unsupported", "contact_reported",
        ];

        Assert.Equal(contract.Order(), GuardReasons.Codes.Order());
    }

    [Fact]
    public void TryParse_EveryCode_RoundTrips()
    {
        foreach (var reason in Enum.GetValues<GuardReason>().Where(r => r != GuardReason.None))
        {
            Assert.True(GuardReasons.TryParse(reason.ToCode(), out var parsed));
            Assert.Equal(reason, parsed);
        }

        Assert.False(GuardReasons.TryParse("window_closed", out _));
        Assert.False(GuardReasons.TryParse("", out _));
    }

    [Fact]
    public void Describe_WindowExpired_SaysWhenAndWhy()
    {
        var decision = MessageGuard.Decide(WroteAt(T0, Profile), Hello, Profile, T0 + H(60));

        Assert.Equal("refused (window_expired): the reply window closed at 2026-03-04 09:05 UTC (48h after the customer's last message)", decision.Describe());
        Assert.Equal(decision.Describe(), decision.ToString());
    }

    [Fact]
    public void Describe_WindowOpenedByLead_NamesTheLeadSubmission()
    {
        var decision = MessageGuard.Decide(NewConversation().RecordLeadSubmission(T0, Profile), Hello, Profile, T0 + H(60));

        Assert.EndsWith("(48h after the lead form submission)", decision.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_TieredExtrasUsed_SaysTheyWereSent()
    {
        var profile = PolicyProfile.TikTokTiered;
        var state = SendAllowed(WroteAt(T0, profile), 3, T0 + H(50), profile);

        var decision = MessageGuard.Decide(state, Hello, profile, T0 + H(51));

        Assert.Equal("refused (window_expired): the reply window closed at 2026-03-04 09:05 UTC (48h after the customer's last message), and the 3 messages allowed after it were sent; the customer must write again", decision.Describe());
    }

    [Fact]
    public void Describe_QuotaExhausted_GivesTheCountsAndTheWindow()
    {
        var state = SendAllowed(WroteAt(T0, Profile), 10, T0, Profile);

        var decision = MessageGuard.Decide(state, Hello, Profile, T0 + TimeSpan.FromMinutes(30));

        Assert.Equal("refused (quota_exhausted): 10 of 10 messages were already sent in the reply window that opened at 2026-03-02 09:05 UTC; it closes at 2026-03-04 09:05 UTC, and the count restarts when the customer writes again", decision.Describe());
    }

    [Fact]
    public void Describe_Allowed_GivesTheSlotAndTheExpiry()
    {
        var decision = MessageGuard.Decide(WroteAt(T0, Profile), MessageDraft.ForText("hi", H(1)), Profile, T0 + TimeSpan.FromSeconds(30));

        Assert.Equal("allowed: message 1 of 10 in the reply window open until 2026-03-04 09:05 UTC; valid until 2026-03-02 10:05:30 UTC", decision.Describe());
    }

    [Fact]
    public void Describe_TextTooLong_GivesLengthAndLimit()
    {
        var decision = MessageGuard.Decide(WroteAt(T0, Profile), MessageDraft.ForText(new string('a', 6001)), Profile, T0);

        Assert.Equal("refused (text_too_long): the text is 6,001 characters; the limit is 6,000", decision.Describe());
    }

    [Fact]
    public void Describe_ImageTooLarge_GivesSizes()
    {
        var decision = MessageGuard.Decide(WroteAt(T0, Profile), MessageDraft.ForImage("https://cdn.shop.example/a.png", 4L * 1024 * 1024), Profile, T0);

        Assert.Equal("refused (image_too_large): the image is 4 MB (4,194,304 bytes); the limit is 3 MB (3,145,728 bytes)", decision.Describe());
    }

    [Fact]
    public void Describe_ImageFoundAtTheUrl_SaysHowItWasFound()
    {
        string Describe(ImageFacts found) =>
            MessageGuard.Decide(WroteAt(T0, Profile), MessageDraft.ForImage("https://cdn.shop.example/a.png") with { Image = found }, Profile, T0).Describe();

        Assert.Equal(
            "refused (image_too_large): the image is 5 MB (5,242,880 bytes); the limit is 3 MB (3,145,728 bytes) (measured at the URL)",
            Describe(new ImageFacts { Bytes = 5L * 1024 * 1024, Format = "png" }));
        Assert.Equal(
            "refused (image_format_unsupported): image format 'gif' is not allowed by the policy (read from the file's first bytes)",
            Describe(new ImageFacts { Bytes = 10, Format = "gif", FormatSource = "read from the file's first bytes" }));
        Assert.Equal(
            "refused (image_url_invalid): the image at 'https://cdn.shop.example/a.png' could not be fetched: no answer within 5 s",
            Describe(ImageFacts.Unreachable("no answer within 5 s")));
    }

    public static TheoryData<string, MessageDraft, Func<ConversationState, ConversationState>, string> Refusals => new()
    {
        { "message_type_unsupported", MessageDraft.ForUnsupported(OutboundKind.Sticker), s => s, "TikTok does not accept sticker messages" },
        { "text_empty", MessageDraft.ForText(" "), s => s, "the text is empty" },
        { "image_url_invalid", MessageDraft.ForImage("ftp://x/a.png"), s => s, "'ftp://x/a.png' is not an http or https URL" },
        { "image_format_unsupported", MessageDraft.ForImage("https://x.example/a.gif"), s => s, "image format 'gif' is not allowed" },
        { "share_post_invalid", MessageDraft.ForSharePost("a b"), s => s, "'a b' is not a TikTok post id" },
        { "validity_too_long", MessageDraft.ForText("hi", H(72)), s => s, "validity 72h is longer than the 48h the policy allows" },
        { "contact_reported", Hello, s => s.MarkReported(), "reported as spam" },
        { "media_region_blocked", MessageDraft.ForImage("https://x.example/a.png") with { RecipientCountry = "vn" }, s => s, "images are not sent to customers in VN" },
        { "not_user_initiated", Hello, _ => NewConversation(), "the customer must write first" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Describe_EachRefusal_NamesCodeAndCause(string code, MessageDraft message, Func<ConversationState, ConversationState> arrange, string expected)
    {
        var profile = Profile with { MediaBlockedCountries = ["VN"] };

        var decision = MessageGuard.Decide(arrange(WroteAt(T0, profile)), message, profile, T0);

        Assert.Equal(code, decision.ReasonCode);
        Assert.StartsWith($"refused ({code}): ", decision.Describe(), StringComparison.Ordinal);
        Assert.Contains(expected, decision.Describe(), StringComparison.Ordinal);
    }
}
