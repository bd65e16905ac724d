using System.Text.RegularExpressions;

namespace FlowAutomation.Binding;

/// <summary>What to say about a duration that does not parse: the compact form of "1 day", a missing unit, a zero.</summary>
internal static partial class DurationHints
{
    private const string Usage = "use a number and a unit such as 30s, 5m, 2h, 1d or 1h30m (or ISO 8601 such as PT2H)";

    public static string For(string? text)
    {
        if (text is null)
        {
            return Usage;
        }

        if (Zero().IsMatch(text))
        {
            return "a duration must be longer than zero";
        }

        if (Spelled().Match(text) is { Success: true } m)
        {
            return $"write it as {m.Groups[1].Value}{char.ToLowerInvariant(m.Groups[2].Value[0])}";
        }

        if (BareNumber().IsMatch(text))
        {
            return $"add a unit, for example {text.Trim()}h for hours or {text.Trim()}m for minutes";
        }

        return Usage;
    }

    [GeneratedRegex(@"^\s*(\d{1,9})\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Spelled();

    [GeneratedRegex(@"^\s*\d{1,9}\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex BareNumber();

    [GeneratedRegex(@"^\s*0+\s*$|^\s*(0+[dhms])+\s*$|^\s*PT?0+[DHMS]?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Zero();
}
