namespace FlowAutomation.Server.Webhooks;

/// <summary>An HMAC over the raw body, sent in one header as hex or base64 (optionally prefixed <c>sha256=</c>).</summary>
internal sealed class HmacWebhookOptions
{
    public string? Secret { get; set; }

    /// <summary>HMAC-SHA256 by default; SHA1, SHA384 and SHA512 in any spelling (<c>HMAC_SHA_512</c>, <c>sha512</c>).</summary>
    public string Algorithm { get; set; } = "HMAC_SHA_256";

    public string SignatureHeader { get; set; } = "X-Signature";

    /// <summary>Accept requests without verification when no secret is set (local development only).</summary>
    public bool AllowUnsigned { get; set; }
}
