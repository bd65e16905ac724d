using FlowAutomation.Policy;

namespace FlowAutomation.Tests.Policy;

public sealed class PolicyProfilesTests
{
    [Fact]
    public void Get_Default_HasTheSpecificationsValues()
    {
        var profile = PolicyProfiles.Get("tiktok");

        Assert.Same(PolicyProfile.TikTok, profile);
        Assert.Equal(TimeSpan.FromHours(48), profile.ReplyWindow);
        Assert.Equal(10, profile.MessagesPerWindow);
        Assert.Equal(QuotaModel.Flat, profile.QuotaModel);
        Assert.Equal(0, profile.MessagesAfterWindow);
        Assert.True(profile.LeadOpensWindow);
        Assert.Equal(TimeSpan.FromHours(48), profile.MaxValidity);
        Assert.Equal(6000, profile.TextMaxLength);
        Assert.Equal(["jpg", "jpeg", "png"], profile.ImageFormats.ToArray());
        Assert.Equal(3L * 1024 * 1024, profile.ImageMaxBytes);
        Assert.Empty(profile.MediaBlockedCountries);
        Assert.False(profile.MessageReportedContacts);
    }

    [Fact]
    public void Get_Tiered_HasTheTieredQuotas()
    {
        var profile = PolicyProfiles.Get("TikTok-Tiered");

        Assert.Equal("tiktok-tiered", profile.Name);
        Assert.Equal(QuotaModel.Tiered, profile.QuotaModel);
        Assert.Equal(10, profile.WindowQuota(openedByReply: false));
        Assert.Null(profile.WindowQuota(openedByReply: true));
        Assert.Equal(3, profile.MessagesAfterWindow);
        Assert.Equal(TimeSpan.FromHours(48), profile.ReplyWindow);
    }

    [Fact]
    public void WindowQuota_FlatProfile_IsTheSameForReplies()
    {
        Assert.Equal(10, PolicyProfile.TikTok.WindowQuota(openedByReply: true));
        Assert.Equal(4, (PolicyProfile.TikTok with { MessagesPerWindow = 4 }).WindowQuota(openedByReply: true));
    }

    [Fact]
    public void Get_UnknownName_ThrowsListingTheKnownNames()
    {
        var error = Assert.Throws<ArgumentException>(() => PolicyProfiles.Get("tiktok-tierd"));

        Assert.StartsWith("unknown policy profile 'tiktok-tierd'; did you mean 'tiktok-tiered'?; known profiles: tiktok, tiktok-tiered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownName_ReturnsAnErrorAndTheDefault()
    {
        var result = PolicyProfiles.Load("whatsapp");

        Assert.False(result.Succeeded);
        Assert.Same(PolicyProfile.TikTok, result.Profile);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("profile", "whatsapp"), (error.Key, error.Value));
        Assert.Contains("known profiles: tiktok, tiktok-tiered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NameAndOverrides_AppliesThemToTheNamedProfile()
    {
        var result = PolicyProfiles.Load("tiktok-tiered", [new("messages_after_window", "1")]);

        Assert.True(result.Succeeded);
        Assert.Equal((QuotaModel.Tiered, 1), (result.Profile.QuotaModel, result.Profile.MessagesAfterWindow));
    }

    [Fact]
    public void Load_NoName_UsesTheDefault()
    {
        Assert.Same(PolicyProfile.TikTok, PolicyProfiles.Load(null).Profile);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("in", true)]
    [InlineData("IN", true)]
    [InlineData("SG", false)]
    public void IsMediaBlocked_ComparesCountriesIgnoringCase(string? country, bool expected)
    {
        Assert.Equal(expected, (PolicyProfile.TikTok with { MediaBlockedCountries = ["IN"] }).IsMediaBlocked(country));
    }

    [Fact]
    public void EffectiveDefaultValidity_NeverExceedsTheMaximum()
    {
        Assert.Equal(TimeSpan.FromHours(48), PolicyProfile.TikTok.EffectiveDefaultValidity);
        Assert.Equal(TimeSpan.FromHours(6), (PolicyProfile.TikTok with { DefaultValidity = TimeSpan.FromHours(6) }).EffectiveDefaultValidity);
        Assert.Equal(TimeSpan.FromHours(1), (PolicyProfile.TikTok with { DefaultValidity = TimeSpan.FromHours(6), MaxValidity = TimeSpan.FromHours(1) }).EffectiveDefaultValidity);
    }
}
