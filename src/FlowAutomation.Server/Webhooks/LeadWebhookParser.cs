using System.Collections.Immutable;
using System.Text.Json;
using FlowAutomation.Model;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Inbox;

namespace FlowAutomation.Server.Webhooks;

/// <summary>
/// Parses <c>lead.submitted</c>, our own documented shape (docs/webhooks.md): TikTok publishes no lead callback
/// body, so a connector posts leads in this form. Field names follow TikTok's lead <c>meta_data</c>
/// (<c>lead_id</c>, <c>ad_id</c>, <c>campaign_id</c>, <c>create_time</c>).
/// </summary>
internal sealed class LeadWebhookParser(TimeProvider time)
{
    public const string EventName = "lead.submitted";

    public WebhookParseResult Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.TryParse(body, out var notJson);
        if (document is null)
            return WebhookParseResult.Fail(notJson!);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return WebhookParseResult.Fail("body is not a JSON object");
        if (root.String("event") is not { } eventName)
            return WebhookParseResult.Fail("missing event");
        if (eventName != EventName)
            return WebhookParseResult.Fail($"unsupported event '{eventName}' (expected '{EventName}')");
        if (root.String("lead_id") is not { } leadId)
            return WebhookParseResult.Fail("missing lead_id");
        if (!TryReadFields(root.Get("fields"), out var fields, out var fieldError))
            return WebhookParseResult.Fail(fieldError!);
        var user = root.Get("user");
        if (user is { ValueKind: not JsonValueKind.Object })
            return WebhookParseResult.Fail("user is not an object");

        var now = time.GetUtcNow();
        var at = ReadTime(root, "create_time") ?? now;
        var userId = user?.String("id");
        var lead = new LeadSubmission(
            FormId: root.String("form_id") ?? root.String("page_id"),
            FormName: root.String("form_name"),
            AdId: root.String("ad_id"),
            CampaignId: root.String("campaign_id"),
            Fields: fields);
        return WebhookParseResult.Ok([new InboundEnvelope
        {
            Provider = WebhookProvider.LeadAds,
            ProviderMessageId = leadId,
            DedupKey = $"leads:lead:{leadId}",
            OccurredAt = at,
            ReceivedAt = now,
            ConversationId = user?.String("conversation_id"),
            ContactId = userId ?? $"lead:{leadId}",
            ContactName = user?.String("name") ?? FirstField(fields, "full_name", "name"),
            ContactCountry = user?.String("country"),
            BusinessId = root.String("business_id"),
            Event = FlowEvent.LeadSubmitted(at, lead),
        }]);
    }

    /// <summary><c>create_time</c> as ISO 8601 or as epoch seconds.</summary>
    private static DateTimeOffset? ReadTime(JsonElement root, string name) =>
        root.Get(name) is { ValueKind: JsonValueKind.Number } ? JsonFields.FromUnixSeconds(root.Int64(name)) : root.Time(name);

    /// <summary>Fields as an object (<c>{"email": "…"}</c>) or as a list (<c>[{"name": "email", "value": "…"}]</c>).</summary>
    private static bool TryReadFields(JsonElement? element, out ImmutableDictionary<string, string> fields, out string? error)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        error = null;
        switch (element)
        {
            case null:
                break;
            case { ValueKind: JsonValueKind.Object } map:
                foreach (var property in map.EnumerateObject())
                {
                    if (FieldText(property.Value) is { } value)
                        builder[property.Name] = value;
                }
                break;
            case { ValueKind: JsonValueKind.Array } list:
                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    if (item.String("name") is not { } name)
                    {
                        error = $"missing fields[{index}].name";
                        break;
                    }
                    if (item.Get("value") is { } value && FieldText(value) is { } text)
                        builder[name] = text;
                    index++;
                }
                break;
            default:
                error = "fields is neither an object nor an array";
                break;
        }
        fields = builder.ToImmutable();
        return error is null;
    }

    /// <summary>Strings as they are, numbers and booleans as their JSON text, lists of strings joined with ", ".</summary>
    private static string? FieldText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(FieldText).OfType<string>()),
        JsonValueKind.Object => value.GetRawText(),
        _ => null,
    };

    private static string? FirstField(ImmutableDictionary<string, string> fields, params string[] names) =>
        names.Select(name => fields.GetValueOrDefault(name)).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}
