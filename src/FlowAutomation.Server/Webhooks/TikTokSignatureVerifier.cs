using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// Verifies TikTok's <c>Tiktok-Signature: t=&lt;unix seconds&gt;,s=&lt;hex&gt;</c>: HMAC-SHA256 keyed with the app's
/// client secret over <c>t + "." + raw body</c>, compared in constant time, with the timestamp within a tolerance
/// of the injected clock.
/// </summary>
internal sealed class TikTokSignatureVerifier
{
    private readonly byte[]? _key;
    private readonly TikTokWebhookOptions _options;
    private readonly TimeProvider _time;

    public TikTokSignatureVerifier(TikTokWebhookOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _key = string.IsNullOrEmpty(options.ClientSecret) ? null : Encoding.UTF8.GetBytes(options.ClientSecret);
    }

    public string HeaderName => _options.SignatureHeader;

    public WebhookRejection? Verify(string? headerValue, ReadOnlySpan<byte> body)
    {
        if (_key is null)
            return _options.AllowUnsigned ? null : WebhookRejection.Unauthorized("signature verification is not configured");
        if (string.IsNullOrWhiteSpace(headerValue))
            return WebhookRejection.Unauthorized($"missing signature header '{HeaderName}'");
        if (!TryParseHeader(headerValue, out var timestamp, out var signatures))
            return WebhookRejection.Unauthorized("malformed signature header");

        var signedAt = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if ((_time.GetUtcNow() - signedAt).Duration() > _options.Tolerance)
            return WebhookRejection.Unauthorized("timestamp outside tolerance");

        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));
        var expected = HMACSHA256.HashData(_key, payload);

        var matched = false;
        foreach (var signature in signatures)
            matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
        return matched ? null : WebhookRejection.Unauthorized("signature mismatch");
    }

    /// <summary>Splits on <c>,</c> then <c>=</c>; one <c>t</c> and at least one 64-hex-digit <c>s</c> are required.</summary>
    private static bool TryParseHeader(string header, out long timestamp, out List<byte[]> signatures)
    {
        timestamp = 0;
        signatures = [];
        var sawTimestamp = false;
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                return false;
            var key = part[..equals];
            var value = part[(equals + 1)..];
            if (key == "t")
            {
                if (sawTimestamp || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp) || timestamp > 253402300799)
                    return false;
                sawTimestamp = true;
            }
            else if (key == "s" && value.Length == 64 && value.All(char.IsAsciiHexDigit))
            {
                signatures.Add(Convert.FromHexString(value));
            }
        }
        return sawTimestamp && signatures.Count > 0;
    }
}
