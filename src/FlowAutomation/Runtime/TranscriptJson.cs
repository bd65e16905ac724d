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
internal static partial class TranscriptJson
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
        private readonly Texts _texts = new();
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
                WriteLine(record);
            }
        }

        /// <summary>As <see cref="Write"/> for each record in order, under one lock.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void WriteAll(IReadOnlyList<TraceRecord> records)
        {
            lock (_gate)
            {
                for (var i = 0; i < records.Count; i++)
                {
                    WriteLine(records[i]);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void WriteLine(TraceRecord record)
        {
            WriteRecord(_writer, record, _texts);
            _writer.Flush();
            _buffer.Write("\n"u8);
            _writer.Reset();
            if (_buffer.WrittenCount >= 48 * 1024)
            {
                Drain();
            }
        }

        /// <summary>Hands what is left in the buffer to the output.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                Drain();
                _writer.Dispose();
                _texts.Dispose();
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
    private static void WriteRecord(Utf8JsonWriter w, TraceRecord record, Texts texts)
    {
        w.WriteStartObject();
        switch (record)
        {
            case EventTrace:
                w.WriteString(Names.Kind, Names.EventKind);
                break;
            case RuleTrace:
                w.WriteString(Names.Kind, Names.RuleKind);
                break;
            case ActionTrace:
                w.WriteString(Names.Kind, Names.ActionKind);
                break;
            default:
                w.WriteString(Names.Kind, record.Kind);
                break;
        }

        w.WriteString(Names.At, texts.Time(record.At));
        switch (record)
        {
            case EventTrace e:
                OptionalString(w, Names.Type, e.Type);
                OptionalString(w, Names.Description, e.Description);
                w.WriteNumber(Names.Depth, e.Depth);
                Window(w, e.Window);
                break;
            case RuleTrace r:
                OptionalString(w, Names.Flow, r.Flow);
                OptionalString(w, Names.Event, r.EventType);
                w.WriteBoolean(Names.Fired, r.Fired);
                OptionalString(w, Names.WhyNot, r.WhyNot);
                w.WriteStartArray(Names.Conditions);
                if (r.Explained is { Explanation: null } explained)
                {
                    Conditions(w, explained, texts);
                }
                else
                {
                    foreach (var c in r.Conditions)
                    {
                        Condition(w, c.Path, c.Operator, c.Expected, c.Actual, c.Note, c.Result);
                    }
                }

                w.WriteEndArray();
                break;
            case ActionTrace a:
                OptionalString(w, Names.Flow, a.Flow);
                OptionalString(w, Names.Node, a.Node);
                OptionalString(w, Names.Action, a.Action);
                OptionalString(w, Names.Status, a.StatusName);
                OptionalString(w, Names.Reason, a.Reason);
                OptionalString(w, Names.Content, a.Content);
                OptionalString(w, Names.Message, a.Message);
                OptionalString(w, Names.Detail, a.Detail);
                Window(w, a.Window);
                break;
            case SummaryTrace s:
                w.WriteNumber(Names.Events, s.Events);
                w.WriteStartArray(Names.Fired);
                foreach (var flow in s.FlowsFired)
                {
                    w.WriteStringValue(flow);
                }

                w.WriteEndArray();
                w.WriteNumber(Names.Sent, s.Sent);
                w.WriteNumber(Names.Blocked, s.Blocked);
                w.WriteNumber(Names.FollowUpsPending, s.FollowUpsPending);
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>
    /// A fired flow's condition lines straight from its evaluation's node results, without making them: what
    /// <see cref="ExplanationLines.From(Rules.FiredExplanation)"/> gives, with each node's path, operator and expected text
    /// encoded once per node.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Conditions(Utf8JsonWriter w, Rules.FiredExplanation explained, Texts texts)
    {
        if (explained.Condition is not { } root)
        {
            return;
        }

        var order = root.DepthFirst;
        for (var i = 0; i < order.Length; i++)
        {
            var node = order[i].Node;
            var line = texts.Line(node.Form);
            w.WriteStartObject();
            w.WriteString(Names.Path, line.Path);
            w.WriteString(Names.Operator, line.Operator);
            w.WriteString(Names.Expected, line.Expected);
            if (node.Form.IsLeaf)
            {
                var (actual, note) = Rules.ExplanationBuilder.Reading(node, explained.Facts);
                w.WriteString(Names.Actual, actual ?? string.Empty);
                OptionalString(w, Names.Note, note);
            }
            else
            {
                w.WriteString(Names.Actual, Names.Empty);
            }

            w.WriteBoolean(Names.Result, explained.Result(i));
            w.WriteEndObject();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Condition(Utf8JsonWriter w, string? path, string? op, string? expected, string? actual, string? note, bool result)
    {
        w.WriteStartObject();
        OptionalString(w, Names.Path, path);
        OptionalString(w, Names.Operator, op);
        OptionalString(w, Names.Expected, expected);
        OptionalString(w, Names.Actual, actual);
        OptionalString(w, Names.Note, note);
        w.WriteBoolean(Names.Result, result);
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

        w.WriteStartObject(Names.Window);
        w.WriteString(Names.OpensAt, window.OpensAt);
        w.WriteString(Names.ClosesAt, window.ClosesAt);
        w.WriteBoolean(Names.Open, window.Open);
        w.WriteNumber(Names.Used, window.Used);
        if (window.Allowed is { } allowed)
        {
            w.WriteNumber(Names.Allowed, allowed);
        }

        if (window.Left is { } left)
        {
            w.WriteNumber(Names.Left, left);
        }

        w.WriteEndObject();
    }

    /// <summary>A string member, left out when null (as the serializer's <c>WhenWritingNull</c> did).</summary>
    private static void OptionalString(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
