using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlowAutomation.Runtime;

/// <summary>
/// Writes trace records as a timeline a person reads at a glance, or as JSON Lines a program reads
/// (contracts section 5: one object per line with a kind of event, rule, action or summary).
/// </summary>
public static class TranscriptWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The timeline: offsets from <paramref name="start"/>, events flush left, rules and actions indented.</summary>
    public static string ToText(IEnumerable<TraceRecord> records, DateTimeOffset start)
    {
        var sb = new StringBuilder();
        foreach (var record in records)
        {
            var when = Offset(record.At - start);
            switch (record)
            {
                case EventTrace e:
                    sb.Append(when.PadRight(9)).Append(new string(' ', e.Depth * 2)).Append(e.Description).Append('\n');
                    break;
                case RuleTrace r:
                    sb.Append(new string(' ', 11)).Append(r.Fired ? "✔ " : "✘ ").Append(r.Flow)
                        .Append(r.Fired ? " fired" : $" did not fire: {r.WhyNot}").Append('\n');
                    foreach (var c in r.Conditions)
                    {
                        sb.Append(new string(' ', 15 + (c.Depth * 2))).Append(c.Result ? "✔ " : "✘ ").Append(c.Path);
                        foreach (var part in new[] { c.Operator, c.Expected }.Where(p => p.Length > 0))
                        {
                            sb.Append(' ').Append(part);
                        }

                        if (c.Note is not null)
                        {
                            sb.Append("  (").Append(c.Note).Append(')'); // the note quotes the text it read
                        }
                        else if (c.Actual.Length > 0)
                        {
                            sb.Append("  (was ").Append(c.Actual.Contains(' ', StringComparison.Ordinal) && !c.Actual.StartsWith('[') ? $"\"{c.Actual}\"" : c.Actual).Append(')');
                        }

                        sb.Append('\n');
                    }

                    break;
                case ActionTrace a:
                    sb.Append(new string(' ', 13)).Append(Symbol(a.Status)).Append(' ').Append(a.Detail).Append('\n');
                    break;
                case SummaryTrace s:
                    sb.Append(when.PadRight(9)).Append("end: ").Append(s.Events).Append(" event(s), ")
                        .Append(s.Sent).Append(" sent, ").Append(s.Blocked).Append(" blocked, fired: ")
                        .Append(s.FlowsFired.IsEmpty ? "none" : string.Join(", ", s.FlowsFired));
                    if (s.FollowUpsPending > 0)
                    {
                        sb.Append(", ").Append(s.FollowUpsPending).Append(" follow-up(s) still pending");
                    }

                    sb.Append('\n');
                    break;
            }
        }

        return sb.ToString();
    }

    public static string ToJsonLines(IEnumerable<TraceRecord> records)
    {
        var sb = new StringBuilder();
        foreach (var record in records)
        {
            object line = record switch
            {
                EventTrace e => new { kind = e.Kind, at = e.At, type = e.Type, description = e.Description, depth = e.Depth, window = Window(e.Window) },
                RuleTrace r => new
                {
                    kind = r.Kind,
                    at = r.At,
                    flow = r.Flow,
                    @event = r.EventType,
                    fired = r.Fired,
                    why_not = r.WhyNot,
                    conditions = r.Conditions.Select(c => new { path = c.Path, @operator = c.Operator, expected = c.Expected, actual = c.Actual, note = c.Note, result = c.Result }),
                },
                ActionTrace a => new
                {
                    kind = a.Kind,
                    at = a.At,
                    flow = a.Flow,
                    node = a.Node,
                    action = a.Action,
                    status = a.StatusName,
                    reason = a.Reason,
                    content = a.Content,
                    message = a.Message,
                    detail = a.Detail,
                    window = Window(a.Window),
                },
                SummaryTrace s => new { kind = s.Kind, at = s.At, events = s.Events, fired = s.FlowsFired, sent = s.Sent, blocked = s.Blocked, follow_ups_pending = s.FollowUpsPending },
                _ => new { kind = record.Kind, at = record.At },
            };
            sb.Append(JsonSerializer.Serialize(line, Json)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The window's numbers as JSON: opens_at, closes_at, open, used, and allowed and left unless unlimited.</summary>
    private static object? Window(TraceWindow? w) =>
        w is null ? null : new { opens_at = w.OpensAt, closes_at = w.ClosesAt, open = w.Open, used = w.Used, allowed = w.Allowed, left = w.Left };

    private static string Symbol(ActionStatus status) => status switch
    {
        ActionStatus.Sent => "→",
        ActionStatus.Blocked => "⛔",
        ActionStatus.Scheduled => "⏱",
        ActionStatus.Cancelled => "⊘",
        ActionStatus.Skipped => "·",
        _ => "•",
    };

    /// <summary>+0s, +5m, +1d2h: the time since the scenario's start.</summary>
    public static string Offset(TimeSpan t) => "+" + (t <= TimeSpan.Zero ? "0s" : Model.Durations.Format(t));

}
