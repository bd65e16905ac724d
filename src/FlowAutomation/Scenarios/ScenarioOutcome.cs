using System.Collections.Immutable;
using FlowAutomation.Diagnostics;

namespace FlowAutomation.Scenarios;

/// <summary>A message the customer received during a scenario.</summary>
public sealed record SentMessage(DateTimeOffset At, string Flow, string? Text, string? ImageUrl, string? PostId)
{
    public override string ToString() => Text is not null ? $"text \"{Text}\"" : ImageUrl is not null ? $"image {ImageUrl}" : $"shared post {PostId}";
}

public sealed record BlockedMessage(DateTimeOffset At, string Flow, string Reason, string Description);

/// <summary>What a scenario run produced, as the expectations read it.</summary>
public sealed record ScenarioOutcome(
    ImmutableArray<SentMessage> Sent,
    ImmutableArray<BlockedMessage> Blocked,
    ImmutableHashSet<string> Fired,
    ImmutableHashSet<string> Tags,
    string? Assignee,
    string? Team);

/// <summary>
/// One expectation of a scenario and whether it held: what was expected (in the scenario's words), and for one that
/// did not, the sentence that says what happened instead. <see cref="Span"/> is where the expectation is written.
/// </summary>
public sealed record ExpectationVerdict(string Expectation, bool Passed, string? Failure, SourceSpan? Span);

/// <summary>Checks a scenario's expectations against its outcome: a verdict for each, and each unmet one as a sentence.</summary>
public static class ScenarioExpectationChecker
{
    /// <summary>The sentences of the unmet expectations, in the order they are written.</summary>
    public static ImmutableArray<string> Check(ScenarioExpectations expect, ScenarioOutcome outcome) =>
        [.. Verdicts(expect, outcome).Where(v => !v.Passed).Select(v => v.Failure!)];

    /// <summary>Every expectation with its verdict: sent (each message, then "no other message"), sent_count, blocked, tags, assigned, fired, not_fired.</summary>
    public static ImmutableArray<ExpectationVerdict> Verdicts(ScenarioExpectations expect, ScenarioOutcome outcome)
    {
        var verdicts = ImmutableArray.CreateBuilder<ExpectationVerdict>();
        void Add(string expectation, string? failure, SourceSpan? span) => verdicts.Add(new ExpectationVerdict(expectation, failure is null, failure, span));
        SourceSpan? KeySpan(string key) => expect.KeySpans.TryGetValue(key, out var span) ? span : null;

        if (expect.Sent is { } sent)
        {
            for (var i = 0; i < sent.Length; i++)
            {
                var failure = i >= outcome.Sent.Length ? $"message {i + 1} should be {sent[i]}, but only {outcome.Sent.Length} message(s) were sent"
                    : !Matches(sent[i], outcome.Sent[i]) ? $"message {i + 1} should be {sent[i]}, but was {outcome.Sent[i]}"
                    : null;
                Add($"message {i + 1}: {sent[i]}", failure, sent[i].Span);
            }

            Add($"no message after message {sent.Length}", outcome.Sent.Length > sent.Length
                ? $"message {sent.Length + 1} was not expected, but {outcome.Sent[sent.Length]} was sent by {outcome.Sent[sent.Length].Flow}"
                : null, KeySpan("sent"));
        }

        if (expect.SentCount is { } count)
        {
            Add($"{count} message(s) sent", count != outcome.Sent.Length ? $"{count} message(s) should have been sent, but {outcome.Sent.Length} were" : null, KeySpan("sent_count"));
        }

        foreach (var blocked in expect.Blocked)
        {
            var which = blocked.Flow is null ? string.Empty : $" from {blocked.Flow}";
            string? failure = null;
            if (!outcome.Blocked.Any(b => b.Reason == blocked.Reason && (blocked.Flow is null || b.Flow == blocked.Flow)))
            {
                var seen = outcome.Blocked.IsEmpty ? "nothing was blocked" : "blocked were: " + string.Join(", ", outcome.Blocked.Select(b => $"{b.Reason} ({b.Flow})"));
                failure = $"a message{which} should have been blocked with {blocked.Reason}, but {seen}";
            }

            Add($"a message{which} blocked with {blocked.Reason}", failure, blocked.Span);
        }

        foreach (var tag in expect.Tags)
        {
            Add($"the contact holds the tag '{tag}'", outcome.Tags.Contains(tag) ? null : $"the contact should hold the tag '{tag}', but holds {Tags(outcome.Tags)}", KeySpan("tags"));
        }

        if (expect.AssignedChecked)
        {
            var ok = expect.AssignedAgent is null && expect.AssignedTeam is null
                ? outcome.Assignee is null && outcome.Team is null
                : (expect.AssignedAgent is null || expect.AssignedAgent == outcome.Assignee) && (expect.AssignedTeam is null || expect.AssignedTeam == outcome.Team);
            Add($"assigned to {Assignment(expect.AssignedAgent, expect.AssignedTeam)}", ok ? null
                : $"the conversation should be assigned to {Assignment(expect.AssignedAgent, expect.AssignedTeam)}, but is assigned to {Assignment(outcome.Assignee, outcome.Team)}", KeySpan("assigned"));
        }

        foreach (var flow in expect.Fired)
        {
            Add($"flow {flow.Id} fired", outcome.Fired.Contains(flow.Id) ? null : $"flow {flow.Id} should have fired, but did not", flow.Span);
        }

        foreach (var flow in expect.NotFired)
        {
            Add($"flow {flow.Id} did not fire", outcome.Fired.Contains(flow.Id) ? $"flow {flow.Id} should not have fired, but did" : null, flow.Span);
        }

        return verdicts.ToImmutable();
    }

    public static bool Matches(MessageMatcher matcher, SentMessage message) => matcher.Kind switch
    {
        MessageMatcherKind.Text => message.Text == matcher.Value,
        MessageMatcherKind.TextContains => message.Text?.Contains(matcher.Value, StringComparison.Ordinal) == true,
        MessageMatcherKind.Image => message.ImageUrl == matcher.Value,
        _ => message.PostId == matcher.Value,
    };

    private static string Tags(IEnumerable<string> tags) => tags.Any() ? string.Join(", ", tags.Order(StringComparer.Ordinal)) : "no tags";

    private static string Assignment(string? agent, string? team) => (agent, team) switch
    {
        (null, null) => "nobody",
        ({ } a, null) => a,
        (null, { } t) => $"team {t}",
        ({ } a, { } t) => $"{a} of team {t}",
    };
}
