namespace FlowAutomation.Server.Webhooks;

/// <summary>TikTok's <c>Tiktok-Signature: t=&lt;unix seconds&gt;,s=&lt;hex&gt;</c>, keyed with the app's client secret.</summary>
internal sealed class TikTokWebhookOptions
{
    public string? ClientSecret { get; set; }

    public string SignatureHeader { get; set; } = "Tiktok-Signature";

    /// <summary>How far the signed timestamp may be from our clock, either way.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    public bool AllowUnsigned { get; set; }
}
