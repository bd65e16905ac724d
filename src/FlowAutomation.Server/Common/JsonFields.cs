using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Unicode;

namespace FlowAutomation.Server.Common;

/// <summary>Small, non-throwing readers over <see cref="JsonElement"/> used by the webhook parsers.</summary>
internal static class JsonFields
{
    /// <summary>The reason given for a string or property name that is not text, after the place it is at.</summary>
    public const string NotTextReason = "is not valid text (invalid UTF-8 or an unpaired surrogate)";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>
    /// The body as a JSON document whose every string and property name is text, or null with the reason: <c>body is
    /// not JSON</c>, or the place of a string that is not text (invalid UTF-8 bytes, or an escaped unpaired
    /// surrogate: the JSON reader lets both through, and reading them later would throw).
    /// </summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body, out string? error)
    {
        error = "body is not JSON";
        if (body.IsEmpty)
            return null;
        try
        {
            return Checked(JsonDocument.Parse(body, Options), "", out error);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A JSON document held in a string (TikTok's <c>content</c>), checked as <see cref="TryParse(ReadOnlyMemory{byte}, out string?)"/>
    /// does; the places named in <paramref name="error"/> start with <paramref name="path"/>. Null with a null error
    /// when the text is not JSON.
    /// </summary>
    public static JsonDocument? TryParse(string text, string path, out string? error)
    {
        error = null;
        try
        {
            return Checked(JsonDocument.Parse(text, Options), path, out error);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonDocument? Checked(JsonDocument document, string path, out string? error)
    {
        error = FindInvalidText(document.RootElement, path);
        if (error is null)
            return document;
        document.Dispose();
        return null;
    }

    /// <summary>The first string or property name (in document order) that cannot be read as text, as a reason; null when all can.</summary>
    private static string? FindInvalidText(JsonElement element, string path)
    {
        if (InvalidTextAt(element, out var isName) is not { } steps)
            return null;
        // The place, from the outermost step in: a name follows a dot unless it starts the path, an index its brackets.
        var place = path;
        for (var i = steps.Count - 1; i >= 0; i--)
            place = steps[i].Name is not { } name ? $"{place}[{steps[i].Index}]" : place.Length == 0 ? name : $"{place}.{name}";
        return isName
            ? $"a property name in {(place.Length == 0 ? "the body" : place)} {NotTextReason}"
            : $"{(place.Length == 0 ? "body" : place)} {NotTextReason}";
    }

    /// <summary>
    /// The steps from <paramref name="element"/> down to the first string or property name (in document order) that
    /// cannot be read as text, innermost first (a property's name, or an array item's index); empty for the element
    /// itself, and <paramref name="isName"/> when it is a property name of the object there; null when all can. A value
    /// or name whose raw bytes have no escape and are valid UTF-8 is text without being read; any other is read
    /// (<see cref="IsText"/>, <see cref="IsName"/>). The steps are made only on the way back from a bad one.
    /// </summary>
    private static List<(string? Name, int Index)>? InvalidTextAt(JsonElement element, out bool isName)
    {
        isName = false;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsPlainText(JsonMarshal.GetRawUtf8Value(element)) || IsText(element) ? null : [];
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (InvalidTextAt(item, out isName) is { } steps)
                    {
                        steps.Add((null, index));
                        return steps;
                    }
                    index++;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsPlainText(JsonMarshal.GetRawUtf8PropertyName(property)) && !IsName(property))
                    {
                        isName = true;
                        return [];
                    }
                    if (InvalidTextAt(property.Value, out isName) is { } steps)
                    {
                        steps.Add((property.Name, 0));
                        return steps;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>Raw JSON text with no escape that is valid UTF-8: it reads as text as it stands.</summary>
    private static bool IsPlainText(ReadOnlySpan<byte> raw) => !raw.Contains((byte)'\\') && Utf8.IsValid(raw);

    private static bool IsText(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsName(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
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
        if (text.Length > 5 && (text[^5] == '+' || text[^5] == '-') && !text.AsSpan(text.Length - 4).ContainsAnyExceptInRange('0', '9'))
            return WithOffsetColon(text);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    /// <summary>The time of <paramref name="text"/> read with a colon put in its offset's <c>hhmm</c> (made on the stack when short).</summary>
    private static DateTimeOffset? WithOffsetColon(string text)
    {
        var length = text.Length + 1;
        var colon = length <= 128 ? stackalloc char[length] : new char[length];
        text.AsSpan(0, text.Length - 2).CopyTo(colon);
        colon[text.Length - 2] = ':';
        text.AsSpan(text.Length - 2).CopyTo(colon[(text.Length - 1)..]);
        return DateTimeOffset.TryParse(colon, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    public static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is { } s && s is > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    public static DateTimeOffset? FromUnixMilliseconds(long? milliseconds) =>
        milliseconds is { } ms && ms is > 0 and < 253402300799999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>A stable id for an event that has none: the SHA-256 of the raw body, so a redelivery maps to the same key.</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
}
