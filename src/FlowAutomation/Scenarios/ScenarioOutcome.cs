using System.Collections.Immutable;

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

/// <summary>Checks a scenario's expectations against its outcome; each unmet expectation is one sentence.</summary>
public static class ScenarioExpectationChecker
{
    public static ImmutableArray<string> Check(ScenarioExpectations expect, ScenarioOutcome outcome)
    {
        var failures = ImmutableArray.CreateBuilder<string>();
        if (expect.Sent is { } sent)
        {
            for (var i = 0; i < Math.Max(sent.Length, outcome.Sent.Length); i++)
            {
                if (i >= sent.Length)
                {
                    failures.Add($"message {i + 1} was not expected, but {outcome.Sent[i]} was sent by {outcome.Sent[i].Flow}");
                    break;
                }

                if (i >= outcome.Sent.Length)
                {
                    failures.Add($"message {i + 1} should be {sent[i]}, but only {outcome.Sent.Length} message(s) were sent");
                    break;
                }

                if (!Matches(sent[i], outcome.Sent[i]))
                {
                    failures.Add($"message {i + 1} should be {sent[i]}, but was {outcome.Sent[i]}");
                }
            }
        }

        if (expect.SentCount is { } count && count != outcome.Sent.Length)
        {
            failures.Add($"{count} message(s) should have been sent, but {outcome.Sent.Length} were");
        }

        foreach (var blocked in expect.Blocked)
        {
            if (!outcome.Blocked.Any(b => b.Reason == blocked.Reason && (blocked.Flow is null || b.Flow == blocked.Flow)))
            {
                var which = blocked.Flow is null ? string.Empty : $" from {blocked.Flow}";
                var seen = outcome.Blocked.IsEmpty ? "nothing was blocked" : "blocked were: " + string.Join(", ", outcome.Blocked.Select(b => $"{b.Reason} ({b.Flow})"));
                failures.Add($"a message{which} should have been blocked with {blocked.Reason}, but {seen}");
            }
        }

        foreach (var tag in expect.Tags.Where(t => !outcome.Tags.Contains(t)))
        {
            failures.Add($"the contact should hold the tag '{tag}', but holds {Tags(outcome.Tags)}");
        }

        if (expect.AssignedChecked)
        {
            var ok = expect.AssignedAgent is null && expect.AssignedTeam is null
                ? outcome.Assignee is null && outcome.Team is null
                : (expect.AssignedAgent is null || expect.AssignedAgent == outcome.Assignee) && (expect.AssignedTeam is null || expect.AssignedTeam == outcome.Team);
            if (!ok)
            {
                failures.Add($"the conversation should be assigned to {Assignment(expect.AssignedAgent, expect.AssignedTeam)}, but is assigned to {Assignment(outcome.Assignee, outcome.Team)}");
            }
        }

        foreach (var flow in expect.Fired.Where(f => !outcome.Fired.Contains(f.Id)))
        {
            failures.Add($"flow {flow.Id} should have fired, but did not");
        }

        foreach (var flow in expect.NotFired.Where(f => outcome.Fired.Contains(f.Id)))
        {
            failures.Add($"flow {flow.Id} should not have fired, but did");
        }

        return failures.ToImmutable();
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
