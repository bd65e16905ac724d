using FlowAutomation.Language;
using FlowAutomation.Model;

namespace FlowAutomation.Binding;

/// <summary>
/// "Did you mean" for paths, shared by conditions and templates. Beyond plain misspellings it knows the field maps:
/// <c>lead.field.email</c> means <c>lead.fields.email</c>, and <c>lead.fields</c> alone lacks the field's name.
/// </summary>
internal static class PathSpelling
{
    private static readonly string[] FieldMaps = [.. PathCatalog.All.Where(p => p.IsFieldMap).Select(p => p.Name[..^2])];

    /// <summary>"; did you mean 'x'?", a hint, or empty.</summary>
    public static string DidYouMean(string path, IEnumerable<string> known)
    {
        if (FieldMaps.Contains(path, StringComparer.Ordinal))
        {
            return $"; name the field, for example '{path}.email'";
        }

        if (Spelling.Nearest(path, known) is { } nearest && !nearest.EndsWith("<name>", StringComparison.Ordinal))
        {
            return $"; did you mean '{nearest}'?";
        }

        // lead.field.email, contact.feilds.size: a misspelt field map before a field name.
        var parts = path.Split('.');
        if (parts.Length >= 3 && Spelling.Nearest(parts[0] + "." + parts[1], FieldMaps) is { } map)
        {
            var candidate = map + "." + string.Join('.', parts[2..]);
            if (PathCatalog.TryResolve(candidate) is not null)
            {
                return $"; did you mean '{candidate}'?";
            }
        }

        return string.Empty;
    }
}
