using FlowAutomation.Diagnostics;
using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Studio;

/// <summary>The reply window and its count at one entry: when it opened and closes, whether it is open, messages used, the limit and what is left.</summary>
internal sealed record TimelineWindow(DateTimeOffset OpensAt, DateTimeOffset ClosesAt, bool Open, int Used, int? Allowed, int? Left)
{
    public static TimelineWindow? From(TraceWindow? w) => w is null ? null : new(w.OpensAt, w.ClosesAt, w.Open, w.Used, w.Allowed, w.Left);
}

internal sealed record TimelineCondition(string Path, string Operator, string Expected, string Actual, bool Result, int Depth);

/// <summary>A place in a file: a scenario's event, an expectation (1-based lines and columns).</summary>
internal sealed record StudioSpan(string Path, int Line, int Column, int EndLine, int EndColumn)
{
    public static StudioSpan From(SourceSpan span) => new(span.Path, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column);
}

/// <summary>
/// One entry of a timeline (a dry run's, or a live conversation's), made from one trace record. <see cref="Lane"/> says
/// whose it is: <c>customer</c> (their messages, leads, referrals), <c>business</c> (the messages sent or refused, and
/// messages a person sent from TikTok's app) or <c>flows</c> (flows fired, tags, follow-ups, the clock). Entries of a
/// flow name it and their node (<see cref="ActionTrace.Node"/>; <c>trigger</c> for a rule), so the page can select the
/// node and the YAML that produced them; a scenario's events name their line (<see cref="Source"/>).
/// </summary>
internal sealed record TimelineEntry(
    int Index,
    long? Seq,
    DateTimeOffset At,
    string Kind,
    string Lane,
    string? Type,
    int Depth,
    string? Flow,
    string? Node,
    string? Action,
    string? Status,
    string? Reason,
    string? Content,
    string? Message,
    string Text,
    TimelineWindow? Window,
    IReadOnlyList<TimelineCondition>? Conditions,
    StudioSpan? Source);

/// <summary>A follow-up waiting in a live conversation.</summary>
internal sealed record TimelineFollowUp(string Id, string Flow, string FollowUp, string? Node, DateTimeOffset DueAt);

/// <summary>Builds timeline entries from trace records.</summary>
internal static class StudioTimeline
{
    private static readonly HashSet<string> CustomerEvents = new(StringComparer.Ordinal) { "message.received", "lead.submitted", "referral.received" };

    /// <summary>
    /// The entries of <paramref name="records"/> (summaries are left out). <paramref name="sources"/> gives, in order,
    /// the source of each scripted step (a customer event, an <c>agent.sent</c> or an <c>advance</c>), which the records
    /// meet as events of depth 0 other than a follow-up falling due.
    /// </summary>
    public static List<TimelineEntry> Entries(IEnumerable<(long? Seq, TraceRecord Record)> records, IReadOnlyList<SourceSpan>? sources = null)
    {
        var entries = new List<TimelineEntry>();
        var step = 0;
        foreach (var (seq, record) in records)
        {
            var index = entries.Count;
            switch (record)
            {
                case EventTrace e:
                    StudioSpan? source = null;
                    if (sources is not null && e.Depth == 0 && e.Type != "follow_up" && step < sources.Count)
                        source = StudioSpan.From(sources[step++]);
                    var lane = CustomerEvents.Contains(e.Type) ? "customer" : e.Type == FlowEngine.AgentSentEvent ? "business" : "flows";
                    entries.Add(new TimelineEntry(index, seq, e.At, e.Kind, lane, e.Type, e.Depth, null, null, null, null, null, null, null, e.Description,
                        TimelineWindow.From(e.Window), null, source));
                    break;
                case RuleTrace r:
                    entries.Add(new TimelineEntry(index, seq, r.At, r.Kind, "flows", r.EventType, 0, r.Flow, "trigger", null, r.Fired ? "fired" : "not_fired", null, null, null,
                        r.Fired ? $"{r.Flow} fired" : $"{r.Flow} did not fire: {r.WhyNot}", null,
                        [.. r.Conditions.Select(c => new TimelineCondition(c.Path, c.Operator, c.Expected, c.Actual, c.Result, c.Depth))], null));
                    break;
                case ActionTrace a:
                    entries.Add(new TimelineEntry(index, seq, a.At, a.Kind, a.Action == "reply" ? "business" : "flows", null, 0, a.Flow, a.Node, a.Action, a.StatusName, a.Reason,
                        a.Content, a.Message, a.Detail, TimelineWindow.From(a.Window), null, null));
                    break;
            }
        }
        return entries;
    }
}
