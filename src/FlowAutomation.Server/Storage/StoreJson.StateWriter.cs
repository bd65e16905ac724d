using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using FlowAutomation.State;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The conversation state's JSON written member by member with a <see cref="Utf8JsonWriter"/>: the members the
/// serializer writes with <see cref="StoreJson"/>'s options, in its order (the declaration order of the state's
/// partial files: ConversationState.cs's members, then ConversationState.Runtime.cs's), nulls left out, the window's opener by
/// name, tags and field names in ordinal order, with the same escaping and dates, so the stored bytes do not change
/// (test <c>StoreJsonStateTests</c>). It spares the serializer's boxing and the sorted copies of the tags and fields
/// for the state every event saves.
/// </summary>
internal static partial class StoreJson
{
    private static readonly JsonWriterOptions StateWriterOptions = new() { SkipValidation = true }; // the default encoder, as Options has

    [ThreadStatic]
    private static StateScratch? t_stateScratch;

    private static readonly JsonEncodedText ContactName = JsonEncodedText.Encode("ContactName"), ContactCountry = JsonEncodedText.Encode("ContactCountry"),
        ContactLanguage = JsonEncodedText.Encode("ContactLanguage"), StretchStart = JsonEncodedText.Encode("StretchStart"),
        FlowsFired = JsonEncodedText.Encode("FlowsFired"), ConversationId = JsonEncodedText.Encode("ConversationId"),
        ContactId = JsonEncodedText.Encode("ContactId"), Version = JsonEncodedText.Encode("Version"), InboundCount = JsonEncodedText.Encode("InboundCount"),
        FirstInboundAt = JsonEncodedText.Encode("FirstInboundAt"), LastInboundAt = JsonEncodedText.Encode("LastInboundAt"),
        LastLeadAt = JsonEncodedText.Encode("LastLeadAt"), CustomerReplied = JsonEncodedText.Encode("CustomerReplied"),
        BusinessReplied = JsonEncodedText.Encode("BusinessReplied"), WindowOpenerName = JsonEncodedText.Encode("WindowOpener"),
        WindowStart = JsonEncodedText.Encode("WindowStart"), WindowEnd = JsonEncodedText.Encode("WindowEnd"),
        WindowSends = JsonEncodedText.Encode("WindowSends"), AfterWindowSends = JsonEncodedText.Encode("AfterWindowSends"),
        OutboundCount = JsonEncodedText.Encode("OutboundCount"), LastOutboundAt = JsonEncodedText.Encode("LastOutboundAt"),
        Tags = JsonEncodedText.Encode("Tags"), Fields = JsonEncodedText.Encode("Fields"), Assignee = JsonEncodedText.Encode("Assignee"),
        Team = JsonEncodedText.Encode("Team"), Reported = JsonEncodedText.Encode("Reported"), Closed = JsonEncodedText.Encode("Closed");

    /// <summary>The openers' names as <c>JsonStringEnumConverter</c> writes them (the members' own names; the values run from 0).</summary>
    private static readonly JsonEncodedText[] OpenerNames = [.. Enum.GetNames<WindowOpener>().Select(name => JsonEncodedText.Encode(name))];

    /// <summary>
    /// The state's JSON as UTF-8, valid until the thread writes its next state; false when the serializer must write it
    /// (an opener that has no name).
    /// </summary>
    internal static bool TryWriteStateUtf8(ConversationState state, out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if ((uint)state.WindowOpener >= (uint)OpenerNames.Length)
            return false;
        var scratch = t_stateScratch ??= new StateScratch();
        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        var json = scratch.Writer;
        json.WriteStartObject();
        WriteString(json, ConversationId, state.ConversationId);
        WriteString(json, ContactId, state.ContactId);
        json.WriteNumber(Version, state.Version);
        json.WriteNumber(InboundCount, state.InboundCount);
        WriteTime(json, FirstInboundAt, state.FirstInboundAt);
        WriteTime(json, LastInboundAt, state.LastInboundAt);
        WriteTime(json, LastLeadAt, state.LastLeadAt);
        json.WriteBoolean(CustomerReplied, state.CustomerReplied);
        json.WriteBoolean(BusinessReplied, state.BusinessReplied);
        json.WriteString(WindowOpenerName, OpenerNames[(int)state.WindowOpener]);
        WriteTime(json, WindowStart, state.WindowStart);
        WriteTime(json, WindowEnd, state.WindowEnd);
        json.WriteNumber(WindowSends, state.WindowSends);
        json.WriteNumber(AfterWindowSends, state.AfterWindowSends);
        json.WriteNumber(OutboundCount, state.OutboundCount);
        WriteTime(json, LastOutboundAt, state.LastOutboundAt);
        WriteTags(json, state.Tags, scratch);
        WriteFields(json, state.Fields, scratch);
        WriteString(json, Assignee, state.Assignee);
        WriteString(json, Team, state.Team);
        json.WriteBoolean(Reported, state.Reported);
        json.WriteBoolean(Closed, state.Closed);
        WriteString(json, ContactName, state.ContactName);
        WriteString(json, ContactCountry, state.ContactCountry);
        WriteString(json, ContactLanguage, state.ContactLanguage);
        WriteTime(json, StretchStart, state.StretchStart);
        json.WritePropertyName(FlowsFired);
        json.WriteStartObject();
        foreach (var (id, at) in state.FlowsFired)
        {
            json.WritePropertyName(id);
            json.WriteStringValue(at);
        }
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        utf8 = scratch.Buffer.WrittenSpan;
        return true;
    }

    private static void WriteString(Utf8JsonWriter json, JsonEncodedText name, string? value)
    {
        if (value is not null)
            json.WriteString(name, value);
    }

    private static void WriteTime(Utf8JsonWriter json, JsonEncodedText name, DateTimeOffset? value)
    {
        if (value is { } time)
            json.WriteString(name, time);
    }

    /// <summary>The tags as a JSON array in ordinal order (what the set's converter writes), sorted in a reused array.</summary>
    private static void WriteTags(Utf8JsonWriter json, ImmutableHashSet<string>? tags, StateScratch scratch)
    {
        if (tags is null)
            return;
        json.WritePropertyName(Tags);
        json.WriteStartArray();
        if (tags.Count > 0)
        {
            var sorted = scratch.Strings(tags.Count);
            var count = 0;
            foreach (var tag in tags)
                sorted[count++] = tag;
            var span = sorted.AsSpan(0, count);
            span.Sort(string.CompareOrdinal);
            foreach (var tag in span)
                json.WriteStringValue(tag);
            span.Clear();
        }
        json.WriteEndArray();
    }

    /// <summary>The fields as a JSON object in ordinal order of the names (what the map's converter writes), null values kept.</summary>
    private static void WriteFields(Utf8JsonWriter json, ImmutableDictionary<string, string>? fields, StateScratch scratch)
    {
        if (fields is null)
            return;
        json.WritePropertyName(Fields);
        json.WriteStartObject();
        if (fields.Count > 0)
        {
            var sorted = scratch.Pairs(fields.Count);
            var count = 0;
            foreach (var field in fields)
                sorted[count++] = field;
            var span = sorted.AsSpan(0, count);
            span.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            foreach (var (name, value) in span)
            {
                json.WritePropertyName(name);
                if (value is null)
                    json.WriteNullValue();
                else
                    json.WriteStringValue(value);
            }
            span.Clear();
        }
        json.WriteEndObject();
    }

    /// <summary>A thread's buffer, writer and sorting arrays, reused state after state.</summary>
    private sealed class StateScratch
    {
        private string[] _strings = new string[16];
        private KeyValuePair<string, string>[] _pairs = new KeyValuePair<string, string>[16];

        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; }

        public StateScratch() => Writer = new Utf8JsonWriter(Buffer, StateWriterOptions);

        public string[] Strings(int count) => _strings.Length >= count ? _strings : _strings = new string[count];

        public KeyValuePair<string, string>[] Pairs(int count) => _pairs.Length >= count ? _pairs : _pairs = new KeyValuePair<string, string>[count];
    }
}
