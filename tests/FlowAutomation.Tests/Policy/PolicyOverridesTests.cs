using FlowAutomation.Policy;

namespace FlowAutomation.Tests.Policy;

public sealed class PolicyOverridesTests
{
    private static PolicyResult Apply(params (string Key, string? Value)[] settings) =>
        PolicyOverrides.Apply(PolicyProfile.TikTok, settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));

    private static PolicyProfile Applied(params (string Key, string? Value)[] settings)
    {
        var result = Apply(settings);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Profile;
    }

    [Fact]
    public void Apply_EverySetting_ChangesItsValue()
    {
        var profile = Applied(
            ("reply_window", "24h"),
            ("messages_per_window", "5"),
            ("quota_model", "tiered"),
            ("messages_per_reply_window", "20"),
            ("messages_after_window", "2"),
            ("lead_opens_window", "false"),
            ("max_validity", "PT12H"),
            ("default_validity", "2h"),
            ("text_max_length", "950"),
            ("image_formats", "[jpg, webp]"),
            ("image_max_bytes", "20MB"),
            ("media_blocked_countries", "in, vn"),
            ("message_reported_contacts", "yes"));

        Assert.Equal(TimeSpan.FromHours(24), profile.ReplyWindow);
        Assert.Equal(5, profile.MessagesPerWindow);
        Assert.Equal(QuotaModel.Tiered, profile.QuotaModel);
        Assert.Equal(20, profile.MessagesPerReplyWindow);
        Assert.Equal(2, profile.MessagesAfterWindow);
        Assert.False(profile.LeadOpensWindow);
        Assert.Equal(TimeSpan.FromHours(12), profile.MaxValidity);
        Assert.Equal(TimeSpan.FromHours(2), profile.DefaultValidity);
        Assert.Equal(950, profile.TextMaxLength);
        Assert.Equal(["jpg", "webp"], profile.ImageFormats.ToArray());
        Assert.Equal(20L * 1024 * 1024, profile.ImageMaxBytes);
        Assert.Equal(["IN", "VN"], profile.MediaBlockedCountries.ToArray());
        Assert.True(profile.MessageReportedContacts);
        Assert.Equal("tiktok", profile.Name);
    }

    [Theory]
    [InlineData("jpg,png")]
    [InlineData("[jpg, png]")]
    [InlineData("['.JPG', \"png\"]")]
    [InlineData(" jpg , png , jpg ")]
    public void Apply_ImageFormatsInEitherListForm_ParsesTheSameList(string value)
    {
        Assert.Equal(["jpg", "png"], Applied(("image_formats", value)).ImageFormats.ToArray());
    }

    [Theory]
    [InlineData("3145728", 3145728L)]
    [InlineData("3MB", 3145728L)]
    [InlineData("500 KB", 512000L)]
    [InlineData("2.5mb", 2621440L)]
    [InlineData("100B", 100L)]
    public void Apply_ImageMaxBytes_AcceptsUnits(string value, long expected)
    {
        Assert.Equal(expected, Applied(("image_max_bytes", value)).ImageMaxBytes);
    }

    [Fact]
    public void Apply_UnlimitedReplyWindowQuota_SetsNull()
    {
        Assert.Null(Applied(("messages_per_reply_window", "unlimited")).MessagesPerReplyWindow);
    }

    [Fact]
    public void Apply_EmptyCountryList_ClearsIt()
    {
        var profile = PolicyOverrides.Apply(PolicyProfile.TikTok with { MediaBlockedCountries = ["IN"] }, [new("media_blocked_countries", "[]")]);

        Assert.Empty(profile.Profile.MediaBlockedCountries);
    }

    [Fact]
    public void Apply_ProfileKeyAfterOtherKeys_SelectsTheBaseFirst()
    {
        var profile = Applied(("messages_after_window", "1"), ("profile", "tiktok-tiered"));

        Assert.Equal(("tiktok-tiered", QuotaModel.Tiered, 1), (profile.Name, profile.QuotaModel, profile.MessagesAfterWindow));
    }

    [Theory]
    [InlineData("reply_window", "two days", "'two days' is not a duration (for example 30s, 5m, 2h, 1d, 1h30m or PT2H)")]
    [InlineData("messages_per_window", "0", "'0' is not a whole number of at least 1")]
    [InlineData("messages_per_window", "ten", "'ten' is not a whole number of at least 1")]
    [InlineData("messages_per_reply_window", "-1", "'-1' is not a whole number of at least 1 or 'unlimited'")]
    [InlineData("quota_model", "stepped", "'stepped' is not a quota model; use flat or tiered")]
    [InlineData("lead_opens_window", "maybe", "'maybe' is not true or false")]
    [InlineData("image_formats", "[]", "needs at least one format, for example [jpg, png]")]
    [InlineData("image_formats", "jpg, image/png", "'image/png' is not a file extension")]
    [InlineData("image_max_bytes", "big", "'big' is not a size (for example 3MB, 500KB or 3145728)")]
    [InlineData("media_blocked_countries", "IND", "'IND' is not a two-letter country code (ISO 3166-1 alpha-2)")]
    [InlineData("text_max_length", null, "needs a value")]
    public void Apply_BadValue_ReturnsAnErrorAndKeepsTheValue(string key, string? value, string message)
    {
        var result = Apply((key, value));

        var error = Assert.Single(result.Errors);
        Assert.Equal((key, value, message), (error.Key, error.Value, error.Message));
        Assert.Equal(PolicyProfile.TikTok, result.Profile);
    }

    [Fact]
    public void Apply_UnknownKey_SuggestsTheNearestAndListsAll()
    {
        var error = Assert.Single(Apply(("reply_windw", "24h")).Errors);

        Assert.StartsWith("unknown policy setting; did you mean 'reply_window'?; known settings: profile, default_validity, image_formats", error.Message, StringComparison.Ordinal);
        Assert.Equal("policy setting 'reply_windw': " + error.Message, error.ToString());
    }

    [Fact]
    public void Apply_DefaultValidityOverMax_ReturnsAnError()
    {
        var result = Apply(("max_validity", "12h"), ("default_validity", "24h"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("default_validity", "is longer than max_validity (12h)"), (error.Key, error.Message));
        Assert.Null(result.Profile.DefaultValidity);
        Assert.Equal(TimeSpan.FromHours(12), result.Profile.MaxValidity);
    }

    [Fact]
    public void Apply_SeveralErrors_ReportsAllAndAppliesTheValidOnes()
    {
        var result = Apply(("reply_window", "x"), ("messages_per_window", "3"), ("lead_opens_window", "nope"));

        Assert.Equal(["reply_window", "lead_opens_window"], result.Errors.Select(e => e.Key));
        Assert.Equal(3, result.Profile.MessagesPerWindow);
    }

    [Fact]
    public void Apply_KeysIgnoreCaseAndDashes()
    {
        Assert.Equal(7, Applied(("Messages-Per-Window", "7")).MessagesPerWindow);
    }

    [Fact]
    public void Keys_ListsTheLeadsOverrides()
    {
        Assert.Superset(
            new HashSet<string>(["reply_window", "messages_per_window", "lead_opens_window", "text_max_length", "image_formats", "image_max_bytes", "media_blocked_countries", "message_reported_contacts", "max_validity"]),
            PolicyOverrides.Keys.ToHashSet());
    }
}
