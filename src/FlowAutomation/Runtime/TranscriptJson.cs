using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlowAutomation.Runtime;

/// <summary>
/// The JSON Lines transcript (contracts section 5), written record by record with a <see cref="Utf8JsonWriter"/>
/// instead of serializing an object per record: the same bytes the serializer gave (snake_case names, relaxed
/// escaping, null members left out, the same order of members), without reflection and without building the whole
/// transcript as one string first.
/// </summary>
internal static class TranscriptJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Writes every record as one line to <paramref name="output"/>, a few kilobytes at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(IEnumerable<TraceRecord> records, TextWriter output)
    {
        using var lines = new JsonLinesSink(output);
        foreach (var record in records)
        {
            lines.Write(record);
        }
    }

    /// <summary>The records as one string of JSON Lines.</summary>
    public static string ToString(IEnumerable<TraceRecord> records)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(records, text);
        return text.ToString();
    }

    /// <summary>
    /// A sink that writes each record as one JSON line as it receives it, into a 64 KB buffer handed to the output as it
    /// fills; <see cref="Dispose"/> hands over the rest. Nothing is kept: a run that streams its transcript holds no records.
    /// The output is a <see cref="TextWriter"/> (the buffer's UTF-8 decoded into characters for it) or a byte stream that
    /// takes the UTF-8 as it is (<c>flowctl dry-run --format json</c> on standard output: no decoding, no console writer
    /// encoding the characters again).
    /// </summary>
    internal sealed class JsonLinesSink : ITraceSink, IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
        private readonly Utf8JsonWriter _writer;
        private readonly TextWriter? _output;
        private readonly Stream? _bytes;
        private readonly Lock _gate = new();
        private char[] _chars = [];

        public JsonLinesSink(TextWriter output)
        {
            _output = output;
            _writer = new Utf8JsonWriter(_buffer, Options);
        }

        /// <summary>A sink that writes the lines' UTF-8 bytes to <paramref name="output"/> as they are; flushing it is the caller's.</summary>
        public JsonLinesSink(Stream output)
        {
            _bytes = output;
            _writer = new Utf8JsonWriter(_buffer, Options);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Write(TraceRecord record)
        {
            lock (_gate)
            {
                WriteRecord(_writer, record);
                _writer.Flush();
                _buffer.Write("\n"u8);
                _writer.Reset();
                if (_buffer.WrittenCount >= 48 * 1024)
                {
                    Drain();
                }
            }
        }

        /// <summary>Hands what is left in the buffer to the output.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                Drain();
                _writer.Dispose();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Drain()
        {
            if (_buffer.WrittenCount == 0)
            {
                return;
            }

            if (_bytes is not null)
            {
                _bytes.Write(_buffer.WrittenSpan);
                _buffer.ResetWrittenCount();
                return;
            }

            var needed = Encoding.UTF8.GetMaxCharCount(_buffer.WrittenCount);
            if (_chars.Length < needed)
            {
                _chars = new char[needed];
            }

            var count = Encoding.UTF8.GetChars(_buffer.WrittenSpan, _chars);
            _output!.Write(_chars, 0, count);
            _buffer.ResetWrittenCount();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteRecord(Utf8JsonWriter w, TraceRecord record)
    {
        w.WriteStartObject();
        w.WriteString("kind"u8, record.Kind);
        w.WriteString("at"u8, record.At);
        switch (record)
        {
            case EventTrace e:
                OptionalString(w, "type"u8, e.Type);
                OptionalString(w, "description"u8, e.Description);
                w.WriteNumber("depth"u8, e.Depth);
                Window(w, e.Window);
                break;
            case RuleTrace r:
                OptionalString(w, "flow"u8, r.Flow);
                OptionalString(w, "event"u8, r.EventType);
                w.WriteBoolean("fired"u8, r.Fired);
                OptionalString(w, "why_not"u8, r.WhyNot);
                w.WriteStartArray("conditions"u8);
                foreach (var c in r.Conditions)
                {
                    w.WriteStartObject();
                    OptionalString(w, "path"u8, c.Path);
                    OptionalString(w, "operator"u8, c.Operator);
                    OptionalString(w, "expected"u8, c.Expected);
                    OptionalString(w, "actual"u8, c.Actual);
                    OptionalString(w, "note"u8, c.Note);
                    w.WriteBoolean("result"u8, c.Result);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
            case ActionTrace a:
                OptionalString(w, "flow"u8, a.Flow);
                OptionalString(w, "node"u8, a.Node);
                OptionalString(w, "action"u8, a.Action);
                OptionalString(w, "status"u8, a.StatusName);
                OptionalString(w, "reason"u8, a.Reason);
                OptionalString(w, "content"u8, a.Content);
                OptionalString(w, "message"u8, a.Message);
                OptionalString(w, "detail"u8, a.Detail);
                Window(w, a.Window);
                break;
            case SummaryTrace s:
                w.WriteNumber("events"u8, s.Events);
                w.WriteStartArray("fired"u8);
                foreach (var flow in s.FlowsFired)
                {
                    w.WriteStringValue(flow);
                }

                w.WriteEndArray();
                w.WriteNumber("sent"u8, s.Sent);
                w.WriteNumber("blocked"u8, s.Blocked);
                w.WriteNumber("follow_ups_pending"u8, s.FollowUpsPending);
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>The window's numbers: opens_at, closes_at, open, used, and allowed and left unless unlimited; nothing when null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Window(Utf8JsonWriter w, TraceWindow? window)
    {
        if (window is null)
        {
            return;
        }

        w.WriteStartObject("window"u8);
        w.WriteString("opens_at"u8, window.OpensAt);
        w.WriteString("closes_at"u8, window.ClosesAt);
        w.WriteBoolean("open"u8, window.Open);
        w.WriteNumber("used"u8, window.Used);
        if (window.Allowed is { } allowed)
        {
            w.WriteNumber("allowed"u8, allowed);
        }

        if (window.Left is { } left)
        {
            w.WriteNumber("left"u8, left);
        }

        w.WriteEndObject();
    }

    /// <summary>A string member, left out when null (as the serializer's <c>WhenWritingNull</c> did).</summary>
    private static void OptionalString(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
