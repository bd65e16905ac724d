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
    [MethodImpl(Hot.Options)]
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
        private readonly JsonLine _line = new(64 * 1024);
        private readonly TextWriter? _output;
        private readonly Stream? _bytes;
        private readonly Lock _gate = new();
        private readonly Texts _texts;
        private char[] _chars = [];

        public JsonLinesSink(TextWriter output)
        {
            _output = output;
            _texts = new(_line);
        }

        /// <summary>A sink that writes the lines' UTF-8 bytes to <paramref name="output"/> as they are; flushing it is the caller's.</summary>
        public JsonLinesSink(Stream output)
        {
            _bytes = output;
            _texts = new(_line);
        }

        [MethodImpl(Hot.Options)]
        public void Write(TraceRecord record)
        {
            lock (_gate)
            {
                WriteLine(record);
            }
        }

        /// <summary>As <see cref="Write"/> for each record in order, under one lock.</summary>
        [MethodImpl(Hot.Options)]
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

        [MethodImpl(Hot.Options)]
        private void WriteLine(TraceRecord record)
        {
            WriteRecord(_line, record, _texts);
            _line.EndLine();
            if (_line.Count >= 48 * 1024)
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
                _line.Dispose();
            }
        }

        [MethodImpl(Hot.Options)]
        private void Drain()
        {
            if (_line.Count == 0)
            {
                return;
            }

            if (_bytes is not null)
            {
                _bytes.Write(_line.Written);
                _line.Clear();
                return;
            }

            var needed = Encoding.UTF8.GetMaxCharCount(_line.Count);
            if (_chars.Length < needed)
            {
                _chars = new char[needed];
            }

            var count = Encoding.UTF8.GetChars(_line.Written, _chars);
            _output!.Write(_chars, 0, count);
            _line.Clear();
        }
    }

    [MethodImpl(Hot.Options)]
    private static void WriteRecord(JsonLine w, TraceRecord record, Texts texts)
    {
        w.StartObject();
        switch (record)
        {
            case EventTrace:
                w.String(Names.Kind, Names.EventKind);
                break;
            case RuleTrace:
                w.String(Names.Kind, Names.RuleKind);
                break;
            case ActionTrace:
                w.String(Names.Kind, Names.ActionKind);
                break;
            default:
                w.String(Names.Kind, record.Kind);
                break;
        }

        w.String(Names.At, texts.Time(texts.At, record.At));
        switch (record)
        {
            case EventTrace e:
                w.OptionalString(Names.Type, e.Type);
                w.OptionalString(Names.Description, e.Description);
                w.Number(Names.Depth, e.Depth);
                Window(w, e.Window, texts);
                break;
            case RuleTrace r:
                w.OptionalString(Names.Flow, r.Flow);
                w.OptionalString(Names.Event, r.EventType);
                w.Boolean(Names.Fired, r.Fired);
                w.OptionalString(Names.WhyNot, r.WhyNot);
                w.StartArray(Names.Conditions);
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

                w.EndArray();
                break;
            case ActionTrace a:
                w.OptionalString(Names.Flow, a.Flow);
                w.OptionalString(Names.Node, a.Node);
                w.OptionalString(Names.Action, a.Action);
                w.OptionalString(Names.Status, a.StatusName);
                w.OptionalString(Names.Reason, a.Reason);
                w.OptionalString(Names.Content, a.Content);
                w.OptionalString(Names.Message, a.Message);
                w.OptionalString(Names.Detail, a.Detail);
                Window(w, a.Window, texts);
                break;
            case SummaryTrace s:
                w.Number(Names.Events, s.Events);
                w.StartArray(Names.Fired);
                foreach (var flow in s.FlowsFired)
                {
                    w.StringValue(flow);
                }

                w.EndArray();
                w.Number(Names.Sent, s.Sent);
                w.Number(Names.Blocked, s.Blocked);
                w.Number(Names.FollowUpsPending, s.FollowUpsPending);
                break;
        }

        w.EndObject();
    }

    /// <summary>
    /// A fired flow's condition lines straight from its evaluation's node results, without making them: what
    /// <see cref="ExplanationLines.From(Rules.FiredExplanation)"/> gives, with each node's path, operator and expected text
    /// encoded once per node.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private static void Conditions(JsonLine w, Rules.FiredExplanation explained, Texts texts)
    {
        if (explained.Condition is not { } root)
        {
            return;
        }

        var order = root.DepthFirst;
        for (var i = 0; i < order.Length; i++)
        {
            var node = order[i].Node;
            w.StartObject();
            w.Members(texts.Line(node.Form));
            if (node.Form.IsLeaf)
            {
                var (actual, note) = Rules.ExplanationBuilder.Reading(node, explained.Facts);
                w.String(Names.Actual, actual ?? string.Empty);
                w.OptionalString(Names.Note, note);
            }
            else
            {
                w.String(Names.Actual, string.Empty);
            }

            w.Boolean(Names.Result, explained.Result(i));
            w.EndObject();
        }
    }

    [MethodImpl(Hot.Options)]
    private static void Condition(JsonLine w, string? path, string? op, string? expected, string? actual, string? note, bool result)
    {
        w.StartObject();
        w.OptionalString(Names.Path, path);
        w.OptionalString(Names.Operator, op);
        w.OptionalString(Names.Expected, expected);
        w.OptionalString(Names.Actual, actual);
        w.OptionalString(Names.Note, note);
        w.Boolean(Names.Result, result);
        w.EndObject();
    }

    /// <summary>The window's numbers: opens_at, closes_at, open, used, and allowed and left unless unlimited; nothing when null.</summary>
    [MethodImpl(Hot.Options)]
    private static void Window(JsonLine w, TraceWindow? window, Texts texts)
    {
        if (window is null)
        {
            return;
        }

        w.StartObject(Names.Window);
        w.String(Names.OpensAt, texts.Time(texts.OpensAt, window.OpensAt));
        w.String(Names.ClosesAt, texts.Time(texts.ClosesAt, window.ClosesAt));
        w.Boolean(Names.Open, window.Open);
        w.Number(Names.Used, window.Used);
        if (window.Allowed is { } allowed)
        {
            w.Number(Names.Allowed, allowed);
        }

        if (window.Left is { } left)
        {
            w.Number(Names.Left, left);
        }

        w.EndObject();
    }
}
