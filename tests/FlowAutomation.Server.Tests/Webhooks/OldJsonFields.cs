using System.Text.Json;

namespace FlowAutomation.Server.Tests.Webhooks;

/// <summary>
/// The body check as it was before the eighteenth pass (main ce00376): parse, then read every string and property name
/// and name the first that is not text. The oracle <c>JsonFieldsOracleTests</c> compares <c>JsonFields.TryParse</c>
/// with, input by input.
/// </summary>
internal static class OldJsonFields
{
    private const string NotTextReason = "is not valid text (invalid UTF-8 or an unpaired surrogate)";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>Null when the body is taken, else the reason it is refused.</summary>
    public static string? Refusal(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
            return "body is not JSON";
        try
        {
            using var document = JsonDocument.Parse(body, Options);
            return FindInvalidText(document.RootElement, "");
        }
        catch (JsonException)
        {
            return "body is not JSON";
        }
    }

    /// <summary>For a document held in a string: "not JSON" (null error), the reason, or taken.</summary>
    public static (bool Taken, string? Error) Check(string text, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(text, Options);
            var error = FindInvalidText(document.RootElement, path);
            return (error is null, error);
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }

    private static string? FindInvalidText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(() => element.GetString()) ? null : $"{(path.Length == 0 ? "body" : path)} {NotTextReason}";
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalidText(item, $"{path}[{index++}]") is { } error)
                        return error;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsText(() => property.Name))
                        return $"a property name in {(path.Length == 0 ? "the body" : path)} {NotTextReason}";
                    if (FindInvalidText(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}") is { } error)
                        return error;
                }
                return null;
            default:
                return null;
        }
    }

    private static bool IsText(Func<string?> read)
    {
        try
        {
            _ = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
