using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowAutomation.Model;

namespace FlowAutomation.Language;

/// <summary>
/// Writes the JSON Schema (draft-07, as YAML language servers read it) for flow files from <see cref="FlowVocabulary"/>
/// and <see cref="PathCatalog"/>, the same vocabulary the binder accepts. docs/flow.schema.json is its output.
/// </summary>
public static class FlowSchemaGenerator
{
    public const string DurationPattern = @"^(([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?|[Pp].+)$";

    public static string Generate() => Write(Build());

    /// <summary>A schema as the checked-in files hold it: indented, characters as they are, a final line break.</summary>
    public static string Write(JsonObject schema) => schema.ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }) + "\n";

    public static JsonObject Build() => new()
    {
        ["$schema"] = "http://json-schema.org/draft-07/schema#",
        ["$id"] = "https://flowautomation.dev/schema/flow-v1.json",
        ["title"] = "FlowAutomation flow (language version 1)",
        ["description"] = "One flow per YAML document: a trigger (on), conditions (when) and actions (then).",
        ["type"] = "object",
        ["required"] = Array(FlowVocabulary.RequiredFlowKeys),
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject
        {
            ["flow"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z0-9][a-z0-9-]{0,63}$", ["description"] = "The flow's id, unique across the loaded set." },
            ["name"] = Text("A name for people."),
            ["description"] = Text("What the flow is for."),
            ["enabled"] = new JsonObject { ["type"] = "boolean", ["default"] = true },
            ["priority"] = new JsonObject { ["type"] = "integer", ["default"] = 0, ["description"] = "Higher is evaluated first." },
            ["on"] = new JsonObject
            {
                ["description"] = "The event that starts the flow. The business can never speak first.",
                ["enum"] = Array(FlowVocabulary.Triggers.Select(t => t.Name)),
            },
            ["once_per"] = new JsonObject { ["enum"] = Array(FlowVocabulary.OncePerValues) },
            ["when"] = Ref("conditions"),
            ["then"] = Ref("actions"),
        },
        ["definitions"] = Definitions(),
    };

    private static JsonObject Definitions()
    {
        var conditionProperties = new JsonObject
        {
            ["all"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = Ref("conditions") },
            ["any"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = Ref("conditions") },
            ["not"] = Ref("conditions"),
            ["business_hours"] = BusinessHours(),
        };
        var fieldMaps = new JsonObject();
        foreach (var path in PathCatalog.All)
        {
            var test = Ref("test");
            test["description"] = path.Description;
            if (path.IsFieldMap)
            {
                fieldMaps["^" + path.Name[..^1].Replace(".", "\\.", StringComparison.Ordinal) + "[A-Za-z0-9_-]{1,64}$"] = test;
            }
            else
            {
                conditionProperties[path.Name] = test;
            }
        }

        var operators = new JsonObject();
        foreach (var op in FlowVocabulary.Operators)
        {
            operators[op.Name] = Operand(op.Operand, op.Description);
        }

        operators[FlowVocabulary.WholeWordKey] = new JsonObject { ["type"] = "boolean", ["default"] = true, ["description"] = "Keyword operators match whole words unless false." };

        return new JsonObject
        {
            ["conditions"] = new JsonObject
            {
                ["type"] = "object",
                ["minProperties"] = 1,
                ["properties"] = conditionProperties,
                ["patternProperties"] = fieldMaps,
                ["additionalProperties"] = false,
            },
            ["scalar"] = new JsonObject { ["type"] = Array(["string", "number", "boolean"]) },
            ["test"] = new JsonObject
            {
                ["oneOf"] = new JsonArray(
                    Ref("scalar"),
                    new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = Ref("scalar") },
                    new JsonObject { ["type"] = "object", ["minProperties"] = 1, ["properties"] = operators, ["additionalProperties"] = false }),
            },
            ["duration"] = new JsonObject { ["type"] = "string", ["pattern"] = DurationPattern, ["description"] = "30s, 5m, 2h, 1d, 1h30m or ISO 8601 (PT2H)." },
            ["name"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$" },
            ["actions"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = Ref("action") },
            ["action"] = Actions(),
        };
    }

    private static JsonObject BusinessHours() => new()
    {
        ["type"] = "object",
        ["required"] = Array(["from", "to"]),
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject
        {
            ["days"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["enum"] = Array(FlowVocabulary.Days) } },
            ["from"] = new JsonObject { ["type"] = "string", ["pattern"] = "^([01][0-9]|2[0-3]):[0-5][0-9]$" },
            ["to"] = new JsonObject { ["type"] = "string", ["pattern"] = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$" },
            ["tz"] = Text("An IANA time zone such as Asia/Singapore; default UTC."),
        },
    };

    private static JsonObject Operand(OperandShape shape, string description)
    {
        JsonObject schema = shape switch
        {
            OperandShape.List => new JsonObject { ["oneOf"] = new JsonArray(Ref("scalar"), new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = Ref("scalar") }) },
            OperandShape.Pattern => new JsonObject { ["type"] = "string" },
            OperandShape.Flag => new JsonObject { ["type"] = "boolean" },
            OperandShape.Ordered => new JsonObject { ["type"] = Array(["number", "string"]) },
            _ => Ref("scalar"),
        };
        schema["description"] = description;
        return schema;
    }

    private static JsonObject Actions()
    {
        var flagActions = new[] { "unassign", "report_spam", "close", "stop" };
        var objects = new JsonArray { new JsonObject { ["enum"] = Array(flagActions) } };
        foreach (var action in FlowVocabulary.Actions)
        {
            objects.Add(new JsonObject
            {
                ["type"] = "object",
                ["description"] = action.Description,
                ["required"] = Array([action.Name]),
                ["additionalProperties"] = false,
                ["properties"] = new JsonObject { [action.Name] = ActionValue(action.Name) },
            });
        }

        return new JsonObject { ["oneOf"] = objects };
    }

    private static JsonObject ActionValue(string name) => name switch
    {
        "tag" or "untag" => new JsonObject { ["oneOf"] = new JsonArray(Ref("name"), new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = Ref("name") }) },
        "assign" => new JsonObject
        {
            ["oneOf"] = new JsonArray(
                Ref("name"),
                new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["properties"] = new JsonObject
                    {
                        ["agent"] = Ref("name"),
                        ["team"] = Ref("name"),
                        ["strategy"] = new JsonObject { ["enum"] = Array(FlowVocabulary.AssignStrategies) },
                    },
                }),
        },
        "reply" => new JsonObject
        {
            ["oneOf"] = new JsonArray(
                Text("Short for { text: ... }."),
                new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["properties"] = new JsonObject
                    {
                        ["text"] = Text("A Scriban template, sent as plain text: {{ contact.name ?? \"there\" }}."),
                        ["image"] = new JsonObject { ["type"] = "string", ["pattern"] = "^https?://" },
                        ["share_post"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Za-z0-9_-]{1,64}$" },
                        ["validity"] = Ref("duration"),
                    },
                    ["oneOf"] = Array(FlowVocabulary.ReplyContentKeys.Select(k => (JsonNode)new JsonObject { ["required"] = Array([k]) })),
                }),
        },
        "set" => new JsonObject
        {
            ["type"] = "object",
            ["minProperties"] = 1,
            ["additionalProperties"] = Text("A Scriban template: {{ lead.fields.email }}."),
        },
        "follow_up" => new JsonObject
        {
            ["type"] = "object",
            ["required"] = Array(["after", "then"]),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["after"] = Ref("duration"),
                ["unless"] = new JsonObject { ["enum"] = Array(FlowVocabulary.UnlessValues) },
                ["when"] = Ref("conditions"),
                ["then"] = Ref("actions"),
            },
        },
        _ => new JsonObject { ["const"] = true },
    };

    private static JsonObject Ref(string definition) => new() { ["$ref"] = "#/definitions/" + definition };

    private static JsonObject Text(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode)JsonValue.Create(i)!)]);

    private static JsonArray Array(IEnumerable<JsonNode> items) => new([.. items]);
}
