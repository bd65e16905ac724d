using System.Text.Json.Nodes;
using FlowAutomation.Policy;

namespace FlowAutomation.Scenarios;

/// <summary>
/// Writes the JSON Schema (draft-07) for scenario files (contracts section 3) from the keys the scenario loader and
/// its binders accept, so that editors (the studio's, or any YAML language server) complete and check scenarios as
/// the runner reads them. docs/scenario.schema.json is its output (<c>flowctl schema scenario</c>).
/// </summary>
public static class ScenarioSchemaGenerator
{
    public static string Generate() => Language.FlowSchemaGenerator.Write(Build());

    public static JsonObject Build() => new()
    {
        ["$schema"] = "http://json-schema.org/draft-07/schema#",
        ["$id"] = "https://flowautomation.dev/schema/scenario-v1.json",
        ["title"] = "FlowAutomation scenario",
        ["description"] = "A scripted conversation on a virtual clock, run by flowctl dry-run and flowctl test, with expectations.",
        ["type"] = "object",
        ["required"] = Array(["scenario", "start", "events"]),
        ["additionalProperties"] = false,
        ["properties"] = Properties(
            ("scenario", Text("The scenario's name.")),
            ("flows", Text("The flows folder, relative to this file; flowctl's --flows overrides it, and the studio runs the flows being edited.")),
            ("start", new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "The virtual clock's start, such as 2026-03-02T09:00:00Z." }),
            ("contact", Contact()),
            ("events", new JsonObject { ["type"] = "array", ["description"] = "The events, in time order.", ["items"] = Ref("event") }),
            ("expect", Expect()),
            ("policy", Policy()),
            ("teams", new JsonObject
            {
                ["type"] = "object",
                ["description"] = "Team members for assign strategies, such as { sales: [ana, ben] }.",
                ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            })),
        ["definitions"] = new JsonObject
        {
            ["event"] = Event(),
            ["text_map"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = Ref("scalar") },
            ["scalar"] = new JsonObject { ["type"] = Array(["string", "number", "boolean"]) },
            ["referral"] = Object(
                ("source", Enum(ScenarioEventBinder.ReferralSources, "Where the customer came from.")),
                ("ad_id", Text("The ad's id.")),
                ("ref", Text("The link's ref parameter."))),
        },
    };

    /// <summary>The keys of an event item: <c>at</c> and exactly one event type.</summary>
    private static JsonObject Event()
    {
        var properties = Properties(
            ("at", new JsonObject { ["type"] = Array(["string", "integer"]), ["description"] = "An offset from start (0s, 5m, 60h, 1d2h) or an absolute timestamp." }),
            ("message.received", new JsonObject
            {
                ["description"] = "The customer sends a message: text, image or share_post, with an optional referral. A string is short for { text: ... }.",
                ["oneOf"] = new JsonArray(
                    Text("The message's text."),
                    Object(
                        ("text", Text("The message's text.")),
                        ("image", Text("The image's URL.")),
                        ("share_post", Text("A shared TikTok post's id.")),
                        ("type", Enum(ScenarioEventBinder.MessageTypes, "The message type when it is not given by text, image or share_post.")),
                        ("referral", Ref("referral")))),
            }),
            ("lead.submitted", Object(
                ("form_id", Text("The lead form's id.")),
                ("form_name", Text("The lead form's name.")),
                ("ad_id", Text("The ad's id.")),
                ("campaign_id", Text("The campaign's id.")),
                ("fields", Ref("text_map")))),
            ("referral.received", Ref("referral")),
            ("agent.sent", new JsonObject
            {
                ["description"] = "A person sends a message from TikTok's app: it uses the window's quota and runs no flow.",
                ["oneOf"] = new JsonArray(Text("The message's text."), Object(("text", Text("The message's text.")))),
            }),
            ("advance", new JsonObject { ["const"] = true, ["description"] = "Only move the clock, so that due follow-ups run." }));
        properties["lead.submitted"]!["description"] = "A lead-ad form is submitted.";
        properties["referral.received"] = new JsonObject { ["$ref"] = "#/definitions/referral", ["description"] = "The customer arrives from an ad or a tiktok.me link." };
        return new JsonObject
        {
            ["type"] = "object",
            ["required"] = Array(["at"]),
            ["minProperties"] = 2,
            ["maxProperties"] = 2,
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
    }

    private static JsonObject Contact()
    {
        var contact = Object(
            ("id", Text("The contact's id (the conversation is conv-<id>).")),
            ("name", Text("The contact's name.")),
            ("country", Text("An ISO country code, such as SG.")),
            ("language", Text("A language code, such as en.")),
            ("tags", new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "Tags the contact holds at the start." }),
            ("fields", Ref("text_map")));
        contact["description"] = "The contact the scenario starts with.";
        return contact;
    }

    private static JsonObject Expect()
    {
        var matcher = Object(
            ("text", Text("The exact text.")),
            ("text_contains", Text("Text the message contains.")),
            ("image", Text("The image's URL.")),
            ("share_post", Text("The shared post's id.")));
        matcher["minProperties"] = 1;
        matcher["maxProperties"] = 1;
        var blocked = Object(
            ("reason", Enum(ScenarioExpectationsBinder.ReasonCodes, "The guard's reason code.")),
            ("flow", Text("The flow whose message was refused.")));
        blocked["required"] = Array(["reason"]);
        var assigned = Object(("agent", Text("The agent's id.")), ("team", Text("The team's name.")));
        var expect = Object(
            ("sent", new JsonObject { ["type"] = "array", ["items"] = matcher, ["description"] = "Every message sent to the customer, in order, and no others." }),
            ("sent_count", new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["description"] = "How many messages were sent." }),
            ("blocked", new JsonObject { ["type"] = "array", ["items"] = blocked, ["description"] = "Guard refusals that must have happened; others are allowed." }),
            ("tags", new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "Tags the contact must hold at the end." }),
            ("assigned", new JsonObject
            {
                ["description"] = "The assignee at the end: an agent's id, { team: name }, { agent: id } or null for nobody.",
                ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "null" }, Text("The agent's id."), assigned),
            }),
            ("fired", new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "Flows that fired at least once." }),
            ("not_fired", new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "Flows that never fired." }));
        expect["description"] = "What must hold at the end of the scenario.";
        return expect;
    }

    private static JsonObject Policy()
    {
        var properties = new JsonObject();
        foreach (var key in PolicyOverrides.Keys)
        {
            properties[key] = key == PolicyOverrides.ProfileKey
                ? Enum(PolicyProfiles.Names, "The policy profile to start from.")
                : new JsonObject { ["oneOf"] = new JsonArray(Ref("scalar"), new JsonObject { ["type"] = "array", ["items"] = Ref("scalar") }) };
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Overrides of the policy profile for this scenario alone, such as { lead_opens_window: false }.",
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
    }

    private static JsonObject Object(params (string Key, JsonNode Schema)[] properties) => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["properties"] = Properties(properties),
    };

    private static JsonObject Properties(params (string Key, JsonNode Schema)[] properties)
    {
        var result = new JsonObject();
        foreach (var (key, schema) in properties)
        {
            result[key] = schema;
        }

        return result;
    }

    private static JsonObject Ref(string definition) => new() { ["$ref"] = "#/definitions/" + definition };

    private static JsonObject Text(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject Enum(IEnumerable<string> values, string description) => new() { ["enum"] = Array(values), ["description"] = description };

    private static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode)JsonValue.Create(i)!)]);
}
