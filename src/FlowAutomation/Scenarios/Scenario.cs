using System.Collections.Immutable;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;

namespace FlowAutomation.Scenarios;

/// <summary>The contact a scenario starts with.</summary>
public sealed record ContactSeed(string Id, string? Name, string? Country, string? Language, ImmutableArray<string> Tags, ImmutableDictionary<string, string> Fields)
{
    public static ContactSeed Default { get; } = new("u-1", null, null, null, [], ImmutableDictionary<string, string>.Empty);
}

/// <summary>One scripted event: a customer event at a time, a message a person sent from TikTok's app, or only a clock move.</summary>
public sealed record ScenarioEvent(DateTimeOffset At, FlowEvent? Event, SourceSpan Span)
{
    /// <summary>An <c>agent.sent</c> event: it uses the window's quota, and is not one of the messages the flows sent.</summary>
    public AgentSent? Agent { get; init; }

    public bool IsAdvance => Event is null && Agent is null;
}

/// <summary>A message a person sent from TikTok's app, in a scenario (<c>agent.sent</c>); its text is optional.</summary>
public sealed record AgentSent(string? Text);

public enum MessageMatcherKind
{
    Text,
    TextContains,
    Image,
    SharePost,
}

public sealed record MessageMatcher(MessageMatcherKind Kind, string Value, SourceSpan Span)
{
    public override string ToString() => Kind switch
    {
        MessageMatcherKind.Text => $"text \"{Value}\"",
        MessageMatcherKind.TextContains => $"text containing \"{Value}\"",
        MessageMatcherKind.Image => $"image {Value}",
        _ => $"shared post {Value}",
    };
}

public sealed record BlockedExpectation(string Reason, string? Flow, SourceSpan Span);

public sealed record FlowReference(string Id, SourceSpan Span);

/// <summary>What must hold at the end of a scenario (contracts section 3). Null or empty means "not checked".</summary>
public sealed record ScenarioExpectations(
    ImmutableArray<MessageMatcher>? Sent,
    int? SentCount,
    ImmutableArray<BlockedExpectation> Blocked,
    ImmutableArray<string> Tags,
    string? AssignedAgent,
    string? AssignedTeam,
    bool AssignedChecked,
    ImmutableArray<FlowReference> Fired,
    ImmutableArray<FlowReference> NotFired)
{
    public static ScenarioExpectations None { get; } = new(null, null, [], [], null, null, false, [], []);

    /// <summary>Where each key of <c>expect</c> is written (sent_count, tags, assigned…), for verdicts that point at their line.</summary>
    public ImmutableDictionary<string, SourceSpan> KeySpans { get; init; } = ImmutableDictionary<string, SourceSpan>.Empty;
}

/// <summary>A policy override as written in the scenario, applied to the profile by the runner.</summary>
public sealed record PolicySetting(string Key, string Value, SourceSpan Span);

/// <summary>A scripted conversation on a virtual clock, with expectations (contracts section 3).</summary>
public sealed record Scenario(
    string Name,
    string Path,
    string? Flows,
    DateTimeOffset Start,
    ContactSeed Contact,
    ImmutableArray<ScenarioEvent> Events,
    ScenarioExpectations Expect,
    ImmutableArray<PolicySetting> Policy,
    ImmutableDictionary<string, ImmutableArray<string>> Teams,
    SourceSpan Span)
{
    /// <summary>The conversation the scenario plays in: one conversation with the scenario's contact.</summary>
    public string ConversationId => "conv-" + Contact.Id;

    /// <summary>The flows folder resolved against the scenario file's folder, or null when the scenario names none.</summary>
    public string? FlowsFullPath => ResolveFlows(Path, Flows);

    internal static string? ResolveFlows(string scenarioPath, string? flows) =>
        flows is null ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(scenarioPath)) ?? ".", flows));
}

/// <summary>
/// A scenario file read as far as its mistakes allow. <see cref="Scenario"/> is the runnable scenario, null when the file
/// has errors; the parts that later checks read (the flows folder, the policy overrides, the expectations that name
/// flows) are kept even then, so that those checks report their mistakes in the same run.
/// </summary>
public sealed record ScenarioDocument(string Path, Scenario? Scenario, string? Flows, ImmutableArray<PolicySetting> Policy, ScenarioExpectations Expect, SourceSpan Span)
{
    /// <summary>Where the file names its flows (the value of <c>flows:</c>), or the whole file when it names none.</summary>
    public SourceSpan FlowsSpan { get; init; } = Span;

    /// <summary>The flows folder resolved against the scenario file's folder, or null when the file names none.</summary>
    public string? FlowsFullPath => Scenario.ResolveFlows(Path, Flows);
}
