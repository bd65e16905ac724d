namespace FlowAutomation.Server.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>: body limit and each provider's verification settings.</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>Larger bodies are refused with 413 before anything is parsed.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How far after the moment a request was received a provider's time for what it delivered is still taken as it
    /// is (clock skew); a later time is taken as the receive time plus this (see <see cref="EventTimes"/>).
    /// </summary>
    public TimeSpan EventTimeTolerance { get; set; } = TimeSpan.FromSeconds(30);

    public HmacWebhookOptions Infobip { get; set; } = new() { SignatureHeader = "X-Infobip-Signature" };

    public TikTokWebhookOptions TikTok { get; set; } = new();

    public HmacWebhookOptions Leads { get; set; } = new() { SignatureHeader = "X-Lead-Signature" };
}

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

/// <summary>TikTok's <c>Tiktok-Signature: t=&lt;unix seconds&gt;,s=&lt;hex&gt;</c>, keyed with the app's client secret.</summary>
internal sealed class TikTokWebhookOptions
{
    public string? ClientSecret { get; set; }

    public string SignatureHeader { get; set; } = "Tiktok-Signature";

    /// <summary>How far the signed timestamp may be from our clock, either way.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    public bool AllowUnsigned { get; set; }
}
