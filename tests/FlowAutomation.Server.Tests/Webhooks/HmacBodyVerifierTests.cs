using System.Text;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;

namespace FlowAutomation.Server.Tests.Webhooks;

public sealed class HmacBodyVerifierTests
{
    private const string Secret = "infobip-secret";
    private const string Body = """{"results":[]}""";

    private static HmacBodyVerifier Verifier(string algorithm = "HMAC_SHA_256", string? secret = Secret, bool allowUnsigned = false) =>
        new(new HmacWebhookOptions { Secret = secret, Algorithm = algorithm, SignatureHeader = "X-Sig", AllowUnsigned = allowUnsigned });

    private static WebhookRejection? Verify(HmacBodyVerifier verifier, string? header, string body = Body) =>
        verifier.Verify(header, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Verify_GoodHexSignature_Passes()
    {
        Assert.Null(Verify(Verifier(), Signatures.HmacHex(Secret, Body)));
    }

    [Fact]
    public void Verify_UpperCaseHexWithAlgorithmPrefix_Passes()
    {
        Assert.Null(Verify(Verifier(), "sha256=" + Signatures.HmacHex(Secret, Body).ToUpperInvariant()));
    }

    [Fact]
    public void Verify_GoodBase64Signature_Passes()
    {
        var base64 = Convert.ToBase64String(Convert.FromHexString(Signatures.HmacHex(Secret, Body)));

        Assert.Null(Verify(Verifier(), base64));
    }

    [Theory]
    [InlineData("HMAC_SHA_1", "SHA1")]
    [InlineData("sha512", "SHA512")]
    [InlineData("HmacSha256", "SHA256")]
    public void Verify_ConfiguredAlgorithm_IsUsed(string configured, string signedWith)
    {
        Assert.Null(Verify(Verifier(configured), Signatures.HmacHex(Secret, Body, signedWith)));
    }

    [Fact]
    public void Verify_SignedWithAnotherAlgorithm_IsRefused()
    {
        var rejection = Verify(Verifier("HMAC_SHA_512"), Signatures.HmacHex(Secret, Body, "SHA256"));

        Assert.Equal(401, rejection!.StatusCode);
    }

    [Fact]
    public void Verify_WrongSecret_IsSignatureMismatch()
    {
        Assert.Equal("signature mismatch", Verify(Verifier(), Signatures.HmacHex("other", Body))!.Reason);
    }

    [Fact]
    public void Verify_TamperedBody_IsSignatureMismatch()
    {
        Assert.Equal("signature mismatch", Verify(Verifier(), Signatures.HmacHex(Secret, Body), Body + " ")!.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Verify_MissingHeader_NamesTheHeader(string? header)
    {
        var rejection = Verify(Verifier(), header);

        Assert.Equal(401, rejection!.StatusCode);
        Assert.Equal("missing signature header 'X-Sig'", rejection.Reason);
    }

    /// <summary>The prefix is dropped only when it is ASCII letters and digits; the hex form takes ASCII hex digits only (else base64).</summary>
    [Theory]
    [InlineData("sha256={hex}", null)]
    [InlineData("HMAC256={HEX}", null)]
    [InlineData("sha-256={hex}", "malformed signature header")]
    [InlineData("sha_256={hex}", "malformed signature header")]
    [InlineData("sha256 ={hex}", "malformed signature header")]
    [InlineData("{hexWithG}", "malformed signature header")]
    [InlineData("{hexWithFullWidthDigit}", "malformed signature header")]
    [InlineData("=\u0000{hex}", "malformed signature header")]
    public void Verify_PrefixAndDigitEdges_SameDecisionsAsBefore(string pattern, string? reason)
    {
        var hex = Signatures.HmacHex(Secret, Body);
        var header = pattern.Replace("{hex}", hex, StringComparison.Ordinal).Replace("{HEX}", hex.ToUpperInvariant(), StringComparison.Ordinal)
            .Replace("{hexWithG}", "g" + hex[1..], StringComparison.Ordinal).Replace("{hexWithFullWidthDigit}", "\uFF11" + hex[1..], StringComparison.Ordinal);

        Assert.Equal(reason, Verify(Verifier(), header)?.Reason);
    }

    [Fact]
    public void Verify_Garbage_IsMalformed()
    {
        Assert.Equal("malformed signature header", Verify(Verifier(), "not-a-signature!")!.Reason);
    }

    [Fact]
    public void Verify_NoSecretConfigured_RefusesUnlessUnsignedAllowed()
    {
        Assert.Equal("signature verification is not configured", Verify(Verifier(secret: null), "x")!.Reason);
        Assert.Null(Verify(Verifier(secret: null, allowUnsigned: true), null));
    }

    [Fact]
    public void Constructor_UnknownAlgorithm_Throws()
    {
        Assert.Throws<ArgumentException>(() => Verifier("MD5"));
    }
}
