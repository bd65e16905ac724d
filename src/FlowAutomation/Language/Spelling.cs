namespace FlowAutomation.Language;

/// <summary>Suggests the nearest known word for a misspelt one (optimal string alignment distance).</summary>
public static class Spelling
{
    /// <summary>"; did you mean 'x'?" or empty when nothing is close enough.</summary>
    public static string DidYouMean(string word, IEnumerable<string> known)
    {
        var best = Nearest(word, known);
        return best is null ? string.Empty : $"; did you mean '{best}'?";
    }

    public static string? Nearest(string word, IEnumerable<string> known)
    {
        if (word.Length > 64)
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        var lower = word.ToLowerInvariant();
        foreach (var candidate in known)
        {
            var d = Distance(lower, candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        var allowed = Math.Max(1, Math.Min(3, word.Length / 3));
        return bestDistance <= allowed ? best : null;
    }

    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
