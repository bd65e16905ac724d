using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Storage;
using FlowAutomation.State;

namespace FlowAutomation.Server.Studio;

/// <summary>What one node of a flow did over the period: its records by status (done, sent, blocked, scheduled, cancelled, skipped) and refusals by reason.</summary>
internal sealed record LiveNodeCounts(string Node, string Action, IReadOnlyDictionary<string, long> Statuses, IReadOnlyDictionary<string, long> Refused);

/// <summary>
/// What one flow did over the period: the events that reached it (events of its trigger), the times it fired, the
/// messages it sent and those the guard refused (by reason), and each node's counts.
/// </summary>
internal sealed record LiveFlowCounts(string Flow, string? Trigger, long? Reached, long Fired, long Sent, long Refused, IReadOnlyDictionary<string, long> RefusedBy, IReadOnlyList<LiveNodeCounts> Nodes);

/// <summary>The counts of a period from <see cref="From"/> to <see cref="To"/> (both included): events by type, and per flow and node.</summary>
internal sealed record LiveCounts(DateTimeOffset From, DateTimeOffset To, IReadOnlyDictionary<string, long> Events, IReadOnlyList<LiveFlowCounts> Flows);

/// <summary>A conversation as the path view heads it: who, assignment, tags, and the reply window now.</summary>
internal sealed record LiveConversation(string Id, string? ContactId, string? ContactName, string? Assignee, string? Team, IReadOnlyList<string> Tags, TimelineWindow? Window, DateTimeOffset Now);

/// <summary>One conversation's path: its trace in order (events, flows fired, guard decisions, follow-ups), and the follow-ups still waiting.</summary>
internal sealed record LivePath(LiveConversation Conversation, IReadOnlyList<TimelineEntry> Entries, IReadOnlyList<TimelineFollowUp> Pending, bool Truncated);

/// <summary>A recorded conversation as a scenario (<see cref="RecordedScenario"/>).</summary>
internal sealed record LiveScenario(string Name, string Text);

/// <summary>
/// The studio's view of the running service (<c>flowctl serve</c> only): counts per flow and node over a period, and
/// conversations — looked up, their path, and turned into scenarios. Reads through <see cref="IAuditReader"/>, the
/// conversation store and the follow-up scheduler; holds no SQL.
/// </summary>
internal sealed class StudioLive(IAuditReader audit, IInboxHistory inbox, IConversationStore conversations, IFollowUpScheduler followUps, FlowHost flows, TimeProvider time)
{
    /// <summary>The most records a path shows (the latest ones).</summary>
    public const int PathLimit = 5000;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<LiveCounts> CountsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var rows = await audit.ActivityAsync(from, to, cancellationToken);
        var triggers = flows.IsLoaded ? flows.Current.Compilation.Flows.ToDictionary(f => f.Id, f => EventNames(f.Trigger), StringComparer.Ordinal) : [];
        return Aggregate(from, to, rows, triggers);
    }

    /// <summary>Groups the audit's rows into counts per flow and node; a flow of the running set has its trigger, and so the events that reached it.</summary>
    public static LiveCounts Aggregate(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<ActivityRow> rows, IReadOnlyDictionary<string, string> triggers)
    {
        var events = rows.Where(r => r.Kind == "event" && r.Name is not null)
            .GroupBy(r => r.Name!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Count), StringComparer.Ordinal);
        var fired = rows.Where(r => r.Kind == "rule" && r.Status == "fired" && r.Flow is not null)
            .GroupBy(r => r.Flow!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Count), StringComparer.Ordinal);
        var actions = rows.Where(r => r.Kind == "action" && r.Flow is not null).ToList();
        var ids = triggers.Keys.Concat(fired.Keys).Concat(actions.Select(a => a.Flow!)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

        var result = new List<LiveFlowCounts>();
        foreach (var id in ids)
        {
            var mine = actions.Where(a => a.Flow == id).ToList();
            var replies = mine.Where(a => a.Name == "reply").ToList();
            var refusedBy = Refusals(replies);
            var nodes = mine.Where(a => a.Node is not null)
                .GroupBy(a => (a.Node!, a.Name ?? string.Empty))
                .Select(g => new LiveNodeCounts(g.Key.Item1, g.Key.Item2,
                    g.Where(a => a.Status is not null).GroupBy(a => a.Status!, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Sum(a => a.Count), StringComparer.Ordinal),
                    Refusals(g)))
                .OrderBy(n => n.Node, StringComparer.Ordinal)
                .ToList();
            var trigger = triggers.GetValueOrDefault(id);
            result.Add(new LiveFlowCounts(
                id,
                trigger,
                trigger is null ? null : events.GetValueOrDefault(trigger),
                fired.GetValueOrDefault(id),
                replies.Where(a => a.Status == "sent").Sum(a => a.Count),
                refusedBy.Values.Sum(),
                refusedBy,
                nodes));
        }
        return new LiveCounts(from, to, events, result);
    }

    public Task<IReadOnlyList<ConversationSummary>> FindAsync(string? search, int limit, CancellationToken cancellationToken) =>
        audit.FindConversationsAsync(search, limit, cancellationToken);

    /// <summary>The conversation's path; null when the service knows no such conversation.</summary>
    public async Task<LivePath?> PathAsync(string conversationId, CancellationToken cancellationToken)
    {
        var state = await conversations.FindAsync(conversationId, cancellationToken);
        var trail = await audit.TrailAsync(conversationId, PathLimit, cancellationToken);
        if (state is null && trail.Count == 0)
            return null;
        var now = time.GetUtcNow();
        var paths = flows.IsLoaded ? new ActionPaths(flows.Current.Compilation.Flows) : null;
        var pending = await followUps.PendingAsync(conversationId, cancellationToken);
        var conversation = new LiveConversation(
            conversationId,
            state?.ContactId,
            state?.ContactName,
            state?.Assignee,
            state?.Team,
            state is null ? [] : [.. state.Tags.Order(StringComparer.Ordinal)],
            state is null || flows is not { IsLoaded: true } ? null : TimelineWindow.From(TraceWindow.From(state.Allowance(flows.EngineOptions.Policy, now))),
            now);
        return new LivePath(
            conversation,
            StudioTimeline.Entries(trail.Select(r => ((long?)r.Seq, r.Record))),
            [.. pending.OrderBy(j => j.DueAt).Select(j => new TimelineFollowUp(j.Id, j.FlowId, j.FollowUpId, paths?.OfFollowUp(j.FollowUpId), j.DueAt))],
            trail.Count >= PathLimit);
    }

    /// <summary>The conversation as a scenario; null when the service took no event for it.</summary>
    public async Task<LiveScenario?> ScenarioAsync(string conversationId, CancellationToken cancellationToken)
    {
        var inbound = await inbox.ForConversationAsync(conversationId, cancellationToken);
        var trail = await audit.TrailAsync(conversationId, PathLimit, cancellationToken);
        var state = await conversations.FindAsync(conversationId, cancellationToken);
        var text = RecordedScenario.Build(conversationId, state, inbound, trail, trail.Count < PathLimit);
        return text is null ? null : new LiveScenario($"recorded {conversationId}", text);
    }

    private static Dictionary<string, long> Refusals(IEnumerable<ActivityRow> rows) =>
        rows.Where(a => a.Status == "blocked" && a.Reason is not null)
            .GroupBy(a => a.Reason!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(a => a.Count), StringComparer.Ordinal);

    private static string EventNames(EventKind trigger) => Diagrams.FlowDiagram.TriggerName(trigger);
}
