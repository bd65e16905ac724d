using System.Text;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;

namespace FlowAutomation.Server.Tests.Webhooks;

public sealed class TikTokSignatureVerifierTests
{
    private const string Secret = "client-secret";
    private const string Body = """{"event":"im_receive_msg","content":"{}"}""";
    private readonly FakeTimeProvider _time = TestClock.Create();

    private TikTokSignatureVerifier Verifier(string? secret = Secret, bool allowUnsigned = false) =>
        new(new TikTokWebhookOptions { ClientSecret = secret, Tolerance = TimeSpan.FromMinutes(5), AllowUnsigned = allowUnsigned }, _time);

    private WebhookRejection? Verify(string? header, string body = Body) => Verifier().Verify(header, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Verify_GoodSignature_Passes()
    {
        Assert.Null(Verify(Signatures.TikTokHeader(Secret, Body, _time.GetUtcNow())));
    }

    [Fact]
    public void Verify_SpacesAndExtraKeys_StillPass()
    {
        var header = Signatures.TikTokHeader(Secret, Body, _time.GetUtcNow()).Replace(",", " , v=1, ", StringComparison.Ordinal);

        Assert.Null(Verify(header));
    }

    [Fact]
    public void Verify_SeveralSignaturesOneValid_Passes()
    {
        var good = Signatures.TikTokHeader(Secret, Body, _time.GetUtcNow());
        var t = good.Split(',')[0];

        Assert.Null(Verify($"{t},s={new string('0', 64)},{good.Split(',')[1]}"));
    }

    [Fact]
    public void Verify_WrongSecret_IsSignatureMismatch()
    {
        Assert.Equal("signature mismatch", Verify(Signatures.TikTokHeader("other", Body, _time.GetUtcNow()))!.Reason);
    }

    [Fact]
    public void Verify_TamperedBody_IsSignatureMismatch()
    {
        Assert.Equal("signature mismatch", Verify(Signatures.TikTokHeader(Secret, Body, _time.GetUtcNow()), Body.Replace("im_", "xx_", StringComparison.Ordinal))!.Reason);
    }

    [Fact]
    public void Verify_SignatureOverBodyWithoutTimestamp_IsSignatureMismatch()
    {
        var t = _time.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal("signature mismatch", Verify($"t={t},s={Signatures.HmacHex(Secret, Body)}")!.Reason);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86400)]
    public void Verify_TimestampOutsideTolerance_IsRefused(int secondsFromNow)
    {
        var header = Signatures.TikTokHeader(Secret, Body, _time.GetUtcNow().AddSeconds(secondsFromNow));

        var rejection = Verify(header);

        Assert.Equal(401, rejection!.StatusCode);
        Assert.Equal("timestamp outside tolerance", rejection.Reason);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Verify_TimestampAtTheToleranceEdge_Passes(int secondsFromNow)
    {
        Assert.Null(Verify(Signatures.TikTokHeader(Secret, Body, _time.GetUtcNow().AddSeconds(secondsFromNow))));
    }

    [Fact]
    public void Verify_SignedThenClockMovesPastTolerance_IsRefused()
    {
        var header = Signatures.TikTokHeader(Secret, Body, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Equal("timestamp outside tolerance", Verify(header)!.Reason);
    }

    [Theory]
    [InlineData(null, "missing signature header 'Tiktok-Signature'")]
    [InlineData("", "missing signature header 'Tiktok-Signature'")]
    [InlineData("s=abc", "malformed signature header")]
    [InlineData("t=1748854800", "malformed signature header")]
    [InlineData("t=abc,s=0000000000000000000000000000000000000000000000000000000000000000", "malformed signature header")]
    [InlineData("t=1748854800,s=xyz", "malformed signature header")]
    [InlineData("garbage", "malformed signature header")]
    [InlineData("t=1,t=2,s=0000000000000000000000000000000000000000000000000000000000000000", "malformed signature header")]
    public void Verify_MissingOrMalformedHeader_IsRefused(string? header, string reason)
    {
        Assert.Equal(reason, Verify(header)!.Reason);
    }

    [Fact]
    public void Verify_NoSecretConfigured_RefusesUnlessUnsignedAllowed()
    {
        Assert.Equal("signature verification is not configured", Verifier(secret: null).Verify("t=1,s=2", [])!.Reason);
        Assert.Null(Verifier(secret: null, allowUnsigned: true).Verify(null, []));
    }
}
