using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace FlowAutomation.Server.Webhooks;

/// <summary>Small, non-throwing readers over <see cref="JsonElement"/> used by the webhook parsers.</summary>
internal static class JsonFields
{
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
            return null;
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonDocument? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The property if <paramref name="element"/> is an object that has it and it is not null.</summary>
    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static JsonElement? Object(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    /// <summary>A string property; numbers are read as their JSON text (ids are sometimes numeric). Empty is null.</summary>
    public static string? String(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString() is { Length: > 0 } text ? text : null,
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        _ => null,
    };

    public static long? Int64(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var number) => number,
        { ValueKind: JsonValueKind.String } value when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    public static bool? Boolean(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    /// <summary>
    /// Reads an ISO 8601 time, including Infobip's <c>2019-11-09T16:00:00.000+0000</c> (offset without colon).
    /// </summary>
    public static DateTimeOffset? Time(this JsonElement element, string name)
    {
        var text = element.String(name);
        if (text is null)
            return null;
        if (text.Length > 5 && (text[^5] == '+' || text[^5] == '-') && text[^4..].All(char.IsAsciiDigit))
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    public static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is { } s && s is > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    public static DateTimeOffset? FromUnixMilliseconds(long? milliseconds) =>
        milliseconds is { } ms && ms is > 0 and < 253402300799999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>A stable id for an event that has none: the SHA-256 of the raw body, so a redelivery maps to the same key.</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
}
