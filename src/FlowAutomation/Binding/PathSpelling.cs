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

        var parts = path.Split('.');
        var nearest = Spelling.Nearest(path, known);
        if (nearest is not null && nearest.EndsWith("<name>", StringComparison.Ordinal))
        {
            nearest = null;
        }

        // contact.first_name, lead.email: a field read without its map (unless a path is one typo away).
        if (parts.Length == 2 && (nearest is null || Spelling.Distance(path.ToLowerInvariant(), nearest.ToLowerInvariant()) > 1)
            && FieldMaps.FirstOrDefault(m => m.StartsWith(parts[0] + ".", StringComparison.Ordinal)) is { } fields
            && PathCatalog.TryResolve(fields + "." + parts[1]) is not null)
        {
            return $"; did you mean '{fields}.{parts[1]}'?";
        }

        if (nearest is not null)
        {
            return $"; did you mean '{nearest}'?";
        }

        // conversation.team_name: a known path with more after it.
        if (PathCatalog.Names.Where(n => path.Length > n.Length + 1 && path.StartsWith(n, StringComparison.Ordinal) && path[n.Length] is '_' or '.' or '-')
            .MaxBy(n => n.Length) is { } prefix && !prefix.EndsWith("<name>", StringComparison.Ordinal))
        {
            return $"; did you mean '{prefix}'?";
        }

        // lead.field.email, contact.feilds.size: a misspelt field map before a field name.
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
