using FlowAutomation.Compilation;
using FlowAutomation.Policy;

namespace FlowAutomation.Tests.Policy;

public sealed class ContentRulesTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("hello", 5)]
    [InlineData("👍🏽", 1)] // thumbs up with a skin tone
    [InlineData("🇸🇬", 1)] // a flag: two regional indicators
    [InlineData("👨‍👩‍👧", 1)] // a family joined by zero-width joiners
    [InlineData("e\u0301", 1)] // e with a combining acute accent
    [InlineData("a\r\nb", 3)] // CR LF is one character
    [InlineData("สวัสดี", 4)] // Thai with combining vowels and tone marks
    public void CountCharacters_CountsWhatAPersonSees(string text, int expected)
    {
        Assert.Equal(expected, ContentRules.CountCharacters(text));
    }

    [Fact]
    public void IsTooLong_ShortInUtf16Units_DoesNotCount()
    {
        Assert.False(ContentRules.IsTooLong("abc", 3, out var length));
        Assert.Equal(0, length);
    }

    [Fact]
    public void IsTooLong_LongInUnitsButNotInCodePoints_IsNotTooLong()
    {
        Assert.False(ContentRules.IsTooLong("😀😀😀", 3, out _));
        Assert.True(ContentRules.IsTooLong("😀😀😀😀", 3, out var length));
        Assert.Equal(4, length);
    }

    [Fact]
    public void IsTooLong_LongInUnitsButNotInCharacters_IsNotTooLong()
    {
        Assert.False(ContentRules.IsTooLong("👍🏽👍🏽", 2, out _));
        Assert.True(ContentRules.IsTooLong("👍🏽👍🏽👍🏽", 2, out var length));
        Assert.Equal(3, length);
    }

    [Theory]
    [InlineData("https://cdn.shop.example/a.png", "Ok")]
    [InlineData("http://cdn.shop.example/dir/a.jpeg?x=1#f", "Ok")]
    [InlineData("https://cdn.shop.example:8443/a.JPG", "Ok")]
    [InlineData("https://bücher.example/a.png", "Ok")]
    [InlineData("https://cdn.shop.example/a.gif", "UnsupportedFormat")]
    [InlineData("https://cdn.shop.example/a.png/", "UnsupportedFormat")]
    [InlineData("https://cdn.shop.example?img=a.png", "UnsupportedFormat")]
    [InlineData("https://cdn.shop.example", "UnsupportedFormat")]
    [InlineData("ftp://cdn.shop.example/a.png", "Invalid")]
    [InlineData("//cdn.shop.example/a.png", "Invalid")]
    [InlineData("https://", "Invalid")]
    [InlineData("https://cdn.shop.example:port/a.png", "Invalid")]
    [InlineData("https://cdn.shop.example/a\\b.png", "Invalid")]
    [InlineData(" https://cdn.shop.example/a.png", "Invalid")]
    [InlineData("https://cdn.shop.example/a.png\n", "Invalid")]
    public void CheckImageUrl_ClassifiesUrls(string url, string expected)
    {
        Assert.Equal(expected, ContentRules.CheckImageUrl(url, PolicyProfile.TikTok.ImageFormats).ToString());
    }

    [Theory]
    [InlineData("7301234567890", true)]
    [InlineData("id_123-abc", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("https://www.tiktok.com/@shop/video/7301234567890", false)]
    public void IsPostId_AcceptsIdsOnly(string? postId, bool expected)
    {
        Assert.Equal(expected, ContentRules.IsPostId(postId));
    }

    [Fact]
    public void IsPostId_Over64Characters_Refused()
    {
        Assert.True(ContentRules.IsPostId(new string('a', 64)));
        Assert.False(ContentRules.IsPostId(new string('a', 65)));
    }

    [Fact]
    public void PostIdFromUrl_VideoUrl_FindsTheId()
    {
        Assert.Equal("7301234567890", ContentRules.PostIdFromUrl("https://www.tiktok.com/@shop/video/7301234567890?lang=en"));
        Assert.Null(ContentRules.PostIdFromUrl("7301234567890"));
    }

    [Fact]
    public void Compiler_UsesTheSameImageRules()
    {
        var result = new FlowCompiler().CompileTexts(("flows/x.yaml", """
            flow: images
            on: message.received
            then:
              - reply: { image: "https://cdn.shop.example/a.gif" }
              - reply: { image: "https://user@cdn.shop.example/a.png" }
              - reply: { image: "https://cdn.shop.example/a.png" }
              - reply: { share_post: "https://www.tiktok.com/@shop/video/7301234567890" }
            """));

        Assert.Equal(["FA2007", "FA2006", "FA2008"], result.Diagnostics.Select(d => d.Code));
        Assert.Contains("use the id '7301234567890' from the URL", result.Diagnostics[2].Message, StringComparison.Ordinal);
    }
}
