using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Sending;

/// <summary>Configuration section <c>Infobip</c>: where and as whom messages are sent.</summary>
internal sealed class InfobipOptions
{
    public const string SectionName = "Infobip";

    public const string HttpClientName = "infobip";

    /// <summary>The account's API base URL, e.g. <c>https://xxxxx.api.infobip.com</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Sent as <c>Authorization: App &lt;key&gt;</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The business id messages are sent from when an outbox message names none.</summary>
    public string? Sender { get; set; }

    /// <summary>One attempt's limit, measured on the injected clock; reaching it is a transient failure.</summary>
    [Positive]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Infobip drops messages not delivered within 48 h; a longer validity is clamped to this.</summary>
    [Positive]
    public TimeSpan MaxValidity { get; set; } = TimeSpan.FromHours(48);

    /// <summary>
    /// Messages sent in one request at most, from 1 to 100 (1: one request per message); another value stops the
    /// service at start. A dispatch pass's messages go in requests of up to this many.
    /// </summary>
    [Between(1, 100)]
    public int MessagesPerRequest { get; set; } = 50;

    /// <summary>Optional per-message delivery report URL (otherwise the account's subscription applies).</summary>
    public string? DeliveryReportUrl { get; set; }

    /// <summary>Optional per-message seen report URL.</summary>
    public string? SeenReportUrl { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl) && !string.IsNullOrWhiteSpace(ApiKey);
}
