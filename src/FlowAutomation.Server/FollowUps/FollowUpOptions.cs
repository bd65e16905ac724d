using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.FollowUps;

/// <summary>Configuration section <c>FollowUps</c>: how Hangfire runs follow-ups.</summary>
internal sealed class FollowUpOptions
{
    public const string SectionName = "FollowUps";

    /// <summary>
    /// How often Hangfire looks for scheduled jobs that fell due. Hangfire's own default (15 s) made follow-ups up to
    /// 13 s late; 1 s measured 19–225 ms.
    /// </summary>
    [Positive]
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often scheduled follow-ups without a live Hangfire job are handed to it again (also done on start).</summary>
    [Positive]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far ahead follow-ups are handed to Hangfire. A follow-up due later stays only in the <c>follow_ups</c> table
    /// (the record of truth) and is handed over by the promotion pass (every <see cref="PromotionInterval"/>) once it
    /// falls due within this horizon; creating a Hangfire job per follow-up on the engine's path cost more than a quarter
    /// of the service's busy time when most follow-ups are due in hours or days. Keep it well above
    /// <see cref="PromotionInterval"/>, so a follow-up is always handed over before it is due.
    /// </summary>
    [Positive]
    public TimeSpan HandOverHorizon { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often follow-ups that fell due within <see cref="HandOverHorizon"/> are handed to Hangfire.</summary>
    [Positive]
    public TimeSpan PromotionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Hangfire workers: follow-ups that run at the same moment.</summary>
    [Positive]
    public int Workers { get; set; } = 10;

    /// <summary>
    /// Whether this instance runs a Hangfire server. False keeps follow-ups recorded and handed to Hangfire's storage,
    /// but nothing fires them here (tests fire them by hand through the same code path).
    /// </summary>
    public bool Fire { get; set; } = true;
}
