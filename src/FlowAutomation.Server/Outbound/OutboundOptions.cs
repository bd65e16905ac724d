namespace FlowAutomation.Server.Outbound;

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
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Infobip drops messages not delivered within 48 h; a longer validity is clamped to this.</summary>
    public TimeSpan MaxValidity { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Optional per-message delivery report URL (otherwise the account's subscription applies).</summary>
    public string? DeliveryReportUrl { get; set; }

    /// <summary>Optional per-message seen report URL.</summary>
    public string? SeenReportUrl { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl) && !string.IsNullOrWhiteSpace(ApiKey);
}

/// <summary>Configuration section <c>Outbox</c>: how the dispatcher claims, retries and backs off.</summary>
internal sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Attempts before a transiently failing message is marked failed.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delay before the second attempt; doubles with each attempt (before jitter).</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a claimed message is reserved for one dispatcher before another may reclaim it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle dispatcher looks for due messages (an enqueue wakes it sooner).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 32;

    /// <summary>Sends in flight at once (different conversations only).</summary>
    public int MaxParallelSends { get; set; } = 4;
}
