using System.Text.Json;
using System.Text.Json.Serialization;
using FlowAutomation.Runtime;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// How the audit log keeps a trace record: the record as JSON (camelCase, enums as names), whatever the database. A
/// record read back is the engine's own type again, so the studio shows a live conversation with the same model as a
/// dry run; properties a record did not have when it was written come back as null.
/// </summary>
internal static class AuditRecordJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(TraceRecord record) => JsonSerializer.Serialize(record, record.GetType(), Options);

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
