using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>: body limit and each provider's verification settings.</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>Larger bodies are refused with 413 before anything is parsed.</summary>
    [Positive]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How far after the moment a request was received a provider's time for what it delivered is still taken as it
    /// is (clock skew); a later time is taken as the receive time plus this (see <see cref="EventTimes"/>).
    /// </summary>
    [NotNegative]
    public TimeSpan EventTimeTolerance { get; set; } = TimeSpan.FromSeconds(30);

    public HmacWebhookOptions Infobip { get; set; } = new() { SignatureHeader = "X-Infobip-Signature" };

    public TikTokWebhookOptions TikTok { get; set; } = new();

    public HmacWebhookOptions Leads { get; set; } = new() { SignatureHeader = "X-Lead-Signature" };
}
