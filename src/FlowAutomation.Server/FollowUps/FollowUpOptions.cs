using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.FollowUps;

/// <summary>Configuration section <c>FollowUps</c>.</summary>
internal sealed class FollowUpOptions
{
    public const string SectionName = "FollowUps";

    /// <summary>How often scheduled follow-ups missing from Quartz are handed to it again (also done on start).</summary>
    [Positive]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether Quartz fires follow-ups. False keeps it in standby: follow-ups are still recorded and handed to
    /// Quartz, and fire once an instance with firing on starts (tests fire them by hand through the same code path).
    /// </summary>
    public bool Fire { get; set; } = true;
}
