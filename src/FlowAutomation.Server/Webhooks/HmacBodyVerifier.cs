using System.Security.Cryptography;
using System.Text;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// Verifies an HMAC of the raw body carried in one header (Infobip's HMAC subscription security, our lead
/// webhook). The header value is hex or base64, optionally prefixed <c>&lt;algorithm&gt;=</c>.
/// </summary>
internal sealed class HmacBodyVerifier
{
    private readonly byte[]? _key;
    private readonly HmacAlgorithm _algorithm;
    private readonly bool _allowUnsigned;

    public HmacBodyVerifier(HmacWebhookOptions options)
    {
        if (!HmacAlgorithms.TryParse(options.Algorithm, out _algorithm))
            throw new ArgumentException($"Unknown HMAC algorithm '{options.Algorithm}' (use HMAC_SHA_1, HMAC_SHA_256, HMAC_SHA_384 or HMAC_SHA_512).", nameof(options));
        _key = string.IsNullOrEmpty(options.Secret) ? null : Encoding.UTF8.GetBytes(options.Secret);
        _allowUnsigned = options.AllowUnsigned;
        HeaderName = options.SignatureHeader;
    }

    public string HeaderName { get; }

    /// <summary>Null when the request may be processed, otherwise the 401 to send back.</summary>
    public WebhookRejection? Verify(string? headerValue, ReadOnlySpan<byte> body)
    {
        if (_key is null)
            return _allowUnsigned ? null : WebhookRejection.Unauthorized("signature verification is not configured");
        if (string.IsNullOrWhiteSpace(headerValue))
            return WebhookRejection.Unauthorized($"missing signature header '{HeaderName}'");

        var text = headerValue.Trim();
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0 && equals < text.Length - 1 && !text.AsSpan(0, equals).ContainsAnyExcept(HmacAlgorithms.AsciiLettersAndDigits))
            text = text[(equals + 1)..];
        var given = HmacAlgorithms.DecodeSignature(text, HmacAlgorithms.HashSize(_algorithm));
        if (given is null)
            return WebhookRejection.Unauthorized("malformed signature header");

        var expected = HmacAlgorithms.Compute(_algorithm, _key, body);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : WebhookRejection.Unauthorized("signature mismatch");
    }
}
