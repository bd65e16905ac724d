using System.Runtime.CompilerServices;
using FlowAutomation.Rules;

namespace FlowAutomation.Runtime;

/// <summary>The transcript's constant texts, encoded for the JSON writer once instead of once per record.</summary>
internal static partial class TranscriptJson
{
    /// <summary>The members' names as UTF-8 (nothing in them needs escaping).</summary>
    private static class Names
    {
        public static ReadOnlySpan<byte> Kind => "kind"u8;
        public static ReadOnlySpan<byte> At => "at"u8;
        public static ReadOnlySpan<byte> Type => "type"u8;
        public static ReadOnlySpan<byte> Description => "description"u8;
        public static ReadOnlySpan<byte> Depth => "depth"u8;
        public static ReadOnlySpan<byte> Flow => "flow"u8;
        public static ReadOnlySpan<byte> Event => "event"u8;
        public static ReadOnlySpan<byte> Fired => "fired"u8;
        public static ReadOnlySpan<byte> WhyNot => "why_not"u8;
        public static ReadOnlySpan<byte> Conditions => "conditions"u8;
        public static ReadOnlySpan<byte> Path => "path"u8;
        public static ReadOnlySpan<byte> Operator => "operator"u8;
        public static ReadOnlySpan<byte> Expected => "expected"u8;
        public static ReadOnlySpan<byte> Actual => "actual"u8;
        public static ReadOnlySpan<byte> Note => "note"u8;
        public static ReadOnlySpan<byte> Result => "result"u8;
        public static ReadOnlySpan<byte> Node => "node"u8;
        public static ReadOnlySpan<byte> Action => "action"u8;
        public static ReadOnlySpan<byte> Status => "status"u8;
        public static ReadOnlySpan<byte> Reason => "reason"u8;
        public static ReadOnlySpan<byte> Content => "content"u8;
        public static ReadOnlySpan<byte> Message => "message"u8;
        public static ReadOnlySpan<byte> Detail => "detail"u8;
        public static ReadOnlySpan<byte> Events => "events"u8;
        public static ReadOnlySpan<byte> Sent => "sent"u8;
        public static ReadOnlySpan<byte> Blocked => "blocked"u8;
        public static ReadOnlySpan<byte> FollowUpsPending => "follow_ups_pending"u8;
        public static ReadOnlySpan<byte> Window => "window"u8;
        public static ReadOnlySpan<byte> OpensAt => "opens_at"u8;
        public static ReadOnlySpan<byte> ClosesAt => "closes_at"u8;
        public static ReadOnlySpan<byte> Open => "open"u8;
        public static ReadOnlySpan<byte> Used => "used"u8;
        public static ReadOnlySpan<byte> Allowed => "allowed"u8;
        public static ReadOnlySpan<byte> Left => "left"u8;

        // The records' kinds (TraceRecord.Kind), as values.
        public static ReadOnlySpan<byte> EventKind => "event"u8;
        public static ReadOnlySpan<byte> RuleKind => "rule"u8;
        public static ReadOnlySpan<byte> ActionKind => "action"u8;
    }

    /// <summary>
    /// One sink's encoded texts: each condition node's line members (path, operator, expected), encoded at its first
    /// line, and the last time written in each of a record's time members (the records of one event share them). Encodes
    /// with the sink's line's scratch writer (<see cref="JsonLine.Scratch"/>). Used under the sink's lock.
    /// </summary>
    private sealed class Texts(JsonLine line)
    {
        private readonly Dictionary<ExplainForm, byte[]> _lines = new(ReferenceEqualityComparer.Instance);

        public LastTime At { get; } = new();

        public LastTime OpensAt { get; } = new();

        public LastTime ClosesAt { get; } = new();

        /// <summary>A condition line's first members, <c>"path":…,"operator":…,"expected":…</c>, as the writer writes them.</summary>
        [MethodImpl(Hot.Options)]
        public byte[] Line(ExplainForm form)
        {
            if (!_lines.TryGetValue(form, out var members))
            {
                var writer = line.Scratch();
                writer.WriteStartObject();
                writer.WriteString("path"u8, form.LinePath);
                writer.WriteString("operator"u8, form.LineOperator);
                writer.WriteString("expected"u8, form.LineExpected);
                members = line.ScratchWritten()[1..].ToArray();
                _lines.Add(form, members);
            }

            return members;
        }

        /// <summary>
        /// The time as the writer writes a <see cref="DateTimeOffset"/> (without its quotes; nothing in it needs escaping),
        /// formatted again only when it changes, into the same bytes.
        /// </summary>
        [MethodImpl(Hot.Options)]
        public ReadOnlySpan<byte> Time(LastTime last, DateTimeOffset time)
        {
            if (last.Length > 0 && last.Time.EqualsExact(time))
            {
                return last.Text.AsSpan(0, last.Length);
            }

            line.Scratch().WriteStringValue(time);
            var text = line.ScratchWritten()[1..^1];
            if (last.Text.Length < text.Length)
            {
                last.Text = new byte[text.Length];
            }

            text.CopyTo(last.Text);
            (last.Time, last.Length) = (time, text.Length);
            return last.Text.AsSpan(0, last.Length);
        }
    }

    /// <summary>The last time one member was written with, and its text (the first <see cref="Length"/> bytes; none before the first).</summary>
    private sealed class LastTime
    {
        public DateTimeOffset Time { get; set; }

        public byte[] Text { get; set; } = new byte[40];

        public int Length { get; set; }
    }
}
