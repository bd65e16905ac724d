using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FlowAutomation.Rules;

namespace FlowAutomation.Runtime;

/// <summary>The transcript's constant texts, encoded for the JSON writer once instead of once per record.</summary>
internal static partial class TranscriptJson
{
    /// <summary>The members' names, encoded once (nothing in them needs escaping).</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind"u8);
        public static readonly JsonEncodedText At = JsonEncodedText.Encode("at"u8);
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type"u8);
        public static readonly JsonEncodedText Description = JsonEncodedText.Encode("description"u8);
        public static readonly JsonEncodedText Depth = JsonEncodedText.Encode("depth"u8);
        public static readonly JsonEncodedText Flow = JsonEncodedText.Encode("flow"u8);
        public static readonly JsonEncodedText Event = JsonEncodedText.Encode("event"u8);
        public static readonly JsonEncodedText Fired = JsonEncodedText.Encode("fired"u8);
        public static readonly JsonEncodedText WhyNot = JsonEncodedText.Encode("why_not"u8);
        public static readonly JsonEncodedText Conditions = JsonEncodedText.Encode("conditions"u8);
        public static readonly JsonEncodedText Path = JsonEncodedText.Encode("path"u8);
        public static readonly JsonEncodedText Operator = JsonEncodedText.Encode("operator"u8);
        public static readonly JsonEncodedText Expected = JsonEncodedText.Encode("expected"u8);
        public static readonly JsonEncodedText Actual = JsonEncodedText.Encode("actual"u8);
        public static readonly JsonEncodedText Note = JsonEncodedText.Encode("note"u8);
        public static readonly JsonEncodedText Result = JsonEncodedText.Encode("result"u8);
        public static readonly JsonEncodedText Node = JsonEncodedText.Encode("node"u8);
        public static readonly JsonEncodedText Action = JsonEncodedText.Encode("action"u8);
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status"u8);
        public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason"u8);
        public static readonly JsonEncodedText Content = JsonEncodedText.Encode("content"u8);
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message"u8);
        public static readonly JsonEncodedText Detail = JsonEncodedText.Encode("detail"u8);
        public static readonly JsonEncodedText Events = JsonEncodedText.Encode("events"u8);
        public static readonly JsonEncodedText Sent = JsonEncodedText.Encode("sent"u8);
        public static readonly JsonEncodedText Blocked = JsonEncodedText.Encode("blocked"u8);
        public static readonly JsonEncodedText FollowUpsPending = JsonEncodedText.Encode("follow_ups_pending"u8);
        public static readonly JsonEncodedText Window = JsonEncodedText.Encode("window"u8);
        public static readonly JsonEncodedText OpensAt = JsonEncodedText.Encode("opens_at"u8);
        public static readonly JsonEncodedText ClosesAt = JsonEncodedText.Encode("closes_at"u8);
        public static readonly JsonEncodedText Open = JsonEncodedText.Encode("open"u8);
        public static readonly JsonEncodedText Used = JsonEncodedText.Encode("used"u8);
        public static readonly JsonEncodedText Allowed = JsonEncodedText.Encode("allowed"u8);
        public static readonly JsonEncodedText Left = JsonEncodedText.Encode("left"u8);
        public static readonly JsonEncodedText Empty = JsonEncodedText.Encode(string.Empty);

        // The records' kinds (TraceRecord.Kind), as values.
        public static readonly JsonEncodedText EventKind = JsonEncodedText.Encode("event"u8);
        public static readonly JsonEncodedText RuleKind = JsonEncodedText.Encode("rule"u8);
        public static readonly JsonEncodedText ActionKind = JsonEncodedText.Encode("action"u8);
    }

    /// <summary>A condition line's constant texts, encoded as the writer would (<see cref="ExplainForm.LinePath"/>…).</summary>
    private readonly record struct LineTexts(JsonEncodedText Path, JsonEncodedText Operator, JsonEncodedText Expected);

    /// <summary>
    /// One sink's encoded texts: each condition node's line texts, encoded at its first line, and the last record time
    /// (the records of one event share it). Used under the sink's lock.
    /// </summary>
    private sealed class Texts : IDisposable
    {
        private readonly Dictionary<ExplainForm, LineTexts> _lines = new(ReferenceEqualityComparer.Instance);
        private readonly ArrayBufferWriter<byte> _scratch = new(64);
        private readonly Utf8JsonWriter _scratchWriter;
        private DateTimeOffset _time;
        private JsonEncodedText _timeText;
        private bool _timeSet;

        public Texts() => _scratchWriter = new Utf8JsonWriter(_scratch, Options);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public LineTexts Line(ExplainForm form)
        {
            if (!_lines.TryGetValue(form, out var line))
            {
                line = new LineTexts(Encode(form.LinePath), Encode(form.LineOperator), Encode(form.LineExpected));
                _lines.Add(form, line);
            }

            return line;
        }

        /// <summary>The time as the writer writes a <see cref="DateTimeOffset"/>, encoded once while it repeats.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public JsonEncodedText Time(DateTimeOffset time)
        {
            if (_timeSet && _time.EqualsExact(time))
            {
                return _timeText;
            }

            _scratch.ResetWrittenCount();
            _scratchWriter.Reset();
            _scratchWriter.WriteStringValue(time);
            _scratchWriter.Flush();
            (_time, _timeText, _timeSet) = (time, JsonEncodedText.Encode(_scratch.WrittenSpan[1..^1], Options.Encoder), true);
            return _timeText;
        }

        public void Dispose() => _scratchWriter.Dispose();

        private static JsonEncodedText Encode(string value) => JsonEncodedText.Encode(value, Options.Encoder);
    }
}
