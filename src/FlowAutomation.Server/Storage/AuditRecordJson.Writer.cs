using System.Buffers;
using System.Text;
using System.Text.Json;
using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The audit record's JSON written member by member with a <see cref="Utf8JsonWriter"/>: the same members in the same
/// order, with the same escaping (<c>UnsafeRelaxedJsonEscaping</c>), dates and enum names as the serializer writes
/// with <see cref="AuditRecordJson"/>'s options — derived members in declaration order, <c>kind</c> among them,
/// <c>at</c> last; nulls written — so the stored bytes do not change (test <c>AuditRecordJsonTests</c>). It spares the
/// serializer's per-record type lookup and boxing for every audit row an event writes.
/// </summary>
internal static partial class AuditRecordJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Options.Encoder, SkipValidation = true };

    [ThreadStatic]
    private static Scratch? t_scratch;

    private static readonly JsonEncodedText At = JsonEncodedText.Encode("at"), Kind = JsonEncodedText.Encode("kind"), Type = JsonEncodedText.Encode("type"),
        Description = JsonEncodedText.Encode("description"), Depth = JsonEncodedText.Encode("depth"), ProviderAt = JsonEncodedText.Encode("providerAt"),
        ReceivedAt = JsonEncodedText.Encode("receivedAt"), Window = JsonEncodedText.Encode("window"), OpensAt = JsonEncodedText.Encode("opensAt"),
        ClosesAt = JsonEncodedText.Encode("closesAt"), Open = JsonEncodedText.Encode("open"), Used = JsonEncodedText.Encode("used"),
        Allowed = JsonEncodedText.Encode("allowed"), Left = JsonEncodedText.Encode("left"), Flow = JsonEncodedText.Encode("flow"),
        EventType = JsonEncodedText.Encode("eventType"), Fired = JsonEncodedText.Encode("fired"), WhyNot = JsonEncodedText.Encode("whyNot"),
        Conditions = JsonEncodedText.Encode("conditions"), Path = JsonEncodedText.Encode("path"), Operator = JsonEncodedText.Encode("operator"),
        Expected = JsonEncodedText.Encode("expected"), Actual = JsonEncodedText.Encode("actual"), Result = JsonEncodedText.Encode("result"),
        Note = JsonEncodedText.Encode("note"), Action = JsonEncodedText.Encode("action"), Status = JsonEncodedText.Encode("status"),
        Reason = JsonEncodedText.Encode("reason"), Message = JsonEncodedText.Encode("message"), Detail = JsonEncodedText.Encode("detail"),
        Node = JsonEncodedText.Encode("node"), Content = JsonEncodedText.Encode("content"), StatusName = JsonEncodedText.Encode("statusName"),
        Events = JsonEncodedText.Encode("events"), FlowsFired = JsonEncodedText.Encode("flowsFired"), Sent = JsonEncodedText.Encode("sent"),
        Blocked = JsonEncodedText.Encode("blocked"), FollowUpsPending = JsonEncodedText.Encode("followUpsPending");

    /// <summary>The statuses' names as <c>JsonStringEnumConverter</c> writes them (the members' own names).</summary>
    private static readonly string[] StatusNames = Enum.GetNames<ActionStatus>();

    /// <summary>The record's JSON, or null when the serializer must write it (another record type, a default array, a status with no name).</summary>
    internal static string? TryWrite(TraceRecord record) => TryWriteUtf8(record, out var json) ? Encoding.UTF8.GetString(json) : null;

    /// <summary>
    /// The record's JSON as UTF-8 (the bytes <see cref="TryWrite"/> decodes: SQLite binds them as text without a
    /// string between), valid until the thread writes its next record; false when the serializer must write it.
    /// </summary>
    internal static bool TryWriteUtf8(TraceRecord record, out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if (!CanWrite(record))
            return false;
        var scratch = t_scratch ??= new Scratch();
        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        var json = scratch.Writer;
        json.WriteStartObject();
        switch (record)
        {
            case EventTrace e:
                json.WriteString(Type, e.Type);
                json.WriteString(Description, e.Description);
                json.WriteNumber(Depth, e.Depth);
                json.WriteString(Kind, e.Kind);
                WriteTime(json, ProviderAt, e.ProviderAt);
                WriteTime(json, ReceivedAt, e.ReceivedAt);
                WriteWindow(json, e.Window);
                break;
            case RuleTrace r:
                json.WriteString(Flow, r.Flow);
                json.WriteString(EventType, r.EventType);
                json.WriteBoolean(Fired, r.Fired);
                json.WriteString(WhyNot, r.WhyNot);
                json.WriteString(Kind, r.Kind);
                json.WriteStartArray(Conditions);
                foreach (var line in r.Conditions)
                    WriteCondition(json, line);
                json.WriteEndArray();
                break;
            case ActionTrace a:
                json.WriteString(Flow, a.Flow);
                json.WriteString(Action, a.Action);
                json.WriteString(Status, StatusNames[(int)a.Status]);
                json.WriteString(Reason, a.Reason);
                json.WriteString(Message, a.Message);
                json.WriteString(Detail, a.Detail);
                json.WriteString(Kind, a.Kind);
                json.WriteString(Node, a.Node);
                json.WriteString(Content, a.Content);
                WriteWindow(json, a.Window);
                json.WriteString(StatusName, a.StatusName);
                break;
            case SummaryTrace s:
                json.WriteNumber(Events, s.Events);
                json.WriteStartArray(FlowsFired);
                foreach (var flow in s.FlowsFired)
                    json.WriteStringValue(flow);
                json.WriteEndArray();
                json.WriteNumber(Sent, s.Sent);
                json.WriteNumber(Blocked, s.Blocked);
                json.WriteNumber(FollowUpsPending, s.FollowUpsPending);
                json.WriteString(Kind, s.Kind);
                break;
        }
        json.WriteString(At, record.At);
        json.WriteEndObject();
        json.Flush();
        utf8 = scratch.Buffer.WrittenSpan;
        return true;
    }

    /// <summary>
    /// Whether <see cref="TryWrite"/> writes the record as the serializer does: one of the four sealed kinds, arrays
    /// not default (the serializer throws on those) and a named status (the serializer writes a number otherwise).
    /// </summary>
    private static bool CanWrite(TraceRecord record) => record switch
    {
        EventTrace => true,
        RuleTrace r => !r.Conditions.IsDefault,
        ActionTrace a => (uint)a.Status < (uint)StatusNames.Length,
        SummaryTrace s => !s.FlowsFired.IsDefault,
        _ => false,
    };

    private static void WriteTime(Utf8JsonWriter json, JsonEncodedText name, DateTimeOffset? time)
    {
        if (time is { } value)
            json.WriteString(name, value);
        else
            json.WriteNull(name);
    }

    private static void WriteNumber(Utf8JsonWriter json, JsonEncodedText name, int? number)
    {
        if (number is { } value)
            json.WriteNumber(name, value);
        else
            json.WriteNull(name);
    }

    private static void WriteWindow(Utf8JsonWriter json, TraceWindow? window)
    {
        if (window is null)
        {
            json.WriteNull(Window);
            return;
        }
        json.WriteStartObject(Window);
        json.WriteString(OpensAt, window.OpensAt);
        json.WriteString(ClosesAt, window.ClosesAt);
        json.WriteBoolean(Open, window.Open);
        json.WriteNumber(Used, window.Used);
        WriteNumber(json, Allowed, window.Allowed);
        WriteNumber(json, Left, window.Left);
        json.WriteEndObject();
    }

    private static void WriteCondition(Utf8JsonWriter json, ConditionLine? line)
    {
        if (line is null)
        {
            json.WriteNullValue();
            return;
        }
        json.WriteStartObject();
        json.WriteString(Path, line.Path);
        json.WriteString(Operator, line.Operator);
        json.WriteString(Expected, line.Expected);
        json.WriteString(Actual, line.Actual);
        json.WriteBoolean(Result, line.Result);
        json.WriteNumber(Depth, line.Depth);
        json.WriteString(Note, line.Note);
        json.WriteEndObject();
    }

    /// <summary>A thread's buffer and writer, reused record after record.</summary>
    private sealed class Scratch
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; }

        public Scratch() => Writer = new Utf8JsonWriter(Buffer, WriterOptions);
    }
}
