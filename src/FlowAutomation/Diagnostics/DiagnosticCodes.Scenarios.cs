namespace FlowAutomation.Diagnostics;

/// <summary>FA3xxx: scenario files for <c>flowctl dry-run</c> and <c>flowctl test</c>.</summary>
public static partial class DiagnosticCodes
{
    private const DiagnosticSeverity ScenarioError = DiagnosticSeverity.Error;

    public static readonly DiagnosticDescriptor UnknownEventType = new("FA3001", ScenarioError, "Unknown event type",
        "unknown event type '{0}'{1}",
        "A scenario event is `message.received`, `lead.submitted`, `referral.received`, `agent.sent` (a message a person sent from TikTok's app), or `advance: true` (only move the clock), next to its `at`.");
    public static readonly DiagnosticDescriptor EventsOutOfOrder = new("FA3002", ScenarioError, "Events out of order",
        "this event at {0} comes before the previous event at {1}; list events in time order",
        "The virtual clock only moves forward: each event's `at` must be at or after the previous event's.");
    public static readonly DiagnosticDescriptor UnknownFlowInExpectation = new("FA3003", ScenarioError, "Unknown flow",
        "no flow '{0}' in the loaded flows{1}",
        "`fired`, `not_fired` and `blocked` name flows by id; the id must exist in the flows the scenario loads.");
    public static readonly DiagnosticDescriptor InvalidTimestamp = new("FA3004", ScenarioError, "Invalid time",
        "invalid time '{0}'; use an offset from start such as 5m or 2h, or a timestamp such as 2026-03-02T09:00:00Z",
        "`start` is an ISO 8601 timestamp with a time zone (2026-03-02T09:00:00Z); an event's `at` is an offset from start (0s, 5m, 60h) or such a timestamp.");
    public static readonly DiagnosticDescriptor InvalidPolicyOverride = new("FA3005", ScenarioError, "Invalid policy override",
        "{0}",
        "`policy:` overrides values of the policy profile for this scenario, e.g. `{ lead_opens_window: false }` or `{ profile: tiktok-tiered }`. See docs/policy.md for the keys.");
    public static readonly DiagnosticDescriptor EventShape = new("FA3006", ScenarioError, "Malformed event",
        "{0}",
        "Each event is a mapping with `at` and exactly one event: `- at: 5m` followed by `message.received: { text: \"Hi\" }`.");
    public static readonly DiagnosticDescriptor UnknownReason = new("FA3007", ScenarioError, "Unknown reason code",
        "unknown guard reason '{0}'{1}",
        "`blocked` entries name the guard's reason codes: not_user_initiated, window_expired, quota_exhausted, text_too_long, text_empty, image_url_invalid, image_format_unsupported, image_too_large, share_post_invalid, validity_too_long, media_region_blocked, message_type_unsupported, contact_reported.");
    public static readonly DiagnosticDescriptor ScenarioFlowsFailed = new("FA3008", ScenarioError, "Flows do not compile",
        "the scenario's flows have {0} error(s); fix them first",
        "A scenario runs only on flows that compile. The flows' own diagnostics are listed above this one.");
}
