using System.Text;

namespace FlowAutomation.Runtime;

/// <summary>
/// Writes trace records as a timeline a person reads at a glance, or as JSON Lines a program reads
/// (contracts section 5: one object per line with a kind of event, rule, action or summary).
/// </summary>
public static partial class TranscriptWriter
{
    /// <summary>Text handed to the writer at a time: a long run's timeline is never one string (a .NET string holds at most 2 GB).</summary>
    internal const int TextChunk = 64 * 1024;

    /// <summary>The timeline: offsets from <paramref name="start"/>, events flush left, rules and actions indented.</summary>
    public static string ToText(IEnumerable<TraceRecord> records, DateTimeOffset start)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        WriteText(records, start, text);
        return text.ToString();
    }

    /// <summary>
    /// Writes the timeline (<see cref="ToText"/>) to <paramref name="output"/> in pieces of about <see cref="TextChunk"/>
    /// characters as the records are formatted: the dry run of a long scenario with <c>--explain all</c> writes
    /// gigabytes of text, more than one string can hold.
    /// </summary>
    public static void WriteText(IEnumerable<TraceRecord> records, DateTimeOffset start, TextWriter output)
    {
        using var sink = new TextSink(output, start);
        foreach (var record in records)
        {
            sink.Write(record);
        }
    }

    /// <summary>One record's lines of the timeline (<see cref="ToText"/>), appended to <paramref name="sb"/>.</summary>
    internal static void AppendRecord(StringBuilder sb, TraceRecord record, DateTimeOffset start)
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

    /// <summary>The records as JSON Lines, one object per line (<see cref="TranscriptJson"/>).</summary>
    public static string ToJsonLines(IEnumerable<TraceRecord> records) => TranscriptJson.ToString(records);

    /// <summary>Writes the records as JSON Lines to <paramref name="output"/> as they are formatted, without building one string.</summary>
    public static void WriteJsonLines(IEnumerable<TraceRecord> records, TextWriter output) => TranscriptJson.Write(records, output);

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
