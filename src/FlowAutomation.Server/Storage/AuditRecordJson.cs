using System.Text.Json;
using System.Text.Json.Serialization;
using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// How the audit log keeps a trace record: the record as JSON (camelCase, enums as names), whatever the database. A
/// record read back is the engine's own type again, so the studio shows a live conversation with the same model as a
/// dry run; properties a record did not have when it was written come back as null.
/// </summary>
internal static partial class AuditRecordJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The record's JSON: the bytes the serializer writes with <see cref="Options"/>, written member by member for the
    /// four record kinds (<see cref="TryWrite"/>); a record of another type, or one holding a default array, goes
    /// through the serializer as before.
    /// </summary>
    public static string Serialize(TraceRecord record) => TryWrite(record) ?? SerializeReflected(record);

    /// <summary>The serializer's own bytes for <paramref name="record"/> (what <see cref="Serialize"/> must equal).</summary>
    internal static string SerializeReflected(TraceRecord record) => JsonSerializer.Serialize(record, record.GetType(), Options);

    /// <summary>The options the serializer writes and reads records with (tests compare member lists against them).</summary>
    internal static JsonSerializerOptions SerializerOptions => Options;

    /// <summary>The record of an audit row of <paramref name="kind"/> (event, rule, action, summary); null for a kind this version does not know.</summary>
    public static TraceRecord? Deserialize(string kind, string json) => kind switch
    {
        "event" => JsonSerializer.Deserialize<EventTrace>(json, Options),
        "rule" => JsonSerializer.Deserialize<RuleTrace>(json, Options),
        "action" => JsonSerializer.Deserialize<ActionTrace>(json, Options),
        "summary" => JsonSerializer.Deserialize<SummaryTrace>(json, Options),
        _ => null,
    };
}
