using System.Globalization;
using System.Text;
using System.Xml;

namespace FlowAutomation.Model;

/// <summary>Durations as marketers write them: <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, <c>1h30m</c>, or ISO 8601 (<c>PT2H</c>).</summary>
public static class Durations
{
    private static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text[0] is 'P' or 'p')
        {
            return TryParseIso(text, out value);
        }

        var total = 0.0;
        var i = 0;
        var lastUnitRank = int.MaxValue;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i - start > 9 || i >= text.Length)
            {
                return false;
            }

            var number = long.Parse(text.AsSpan(start, i - start), CultureInfo.InvariantCulture);
            var (seconds, rank) = text[i] switch
            {
                'd' => (86400, 4),
                'h' => (3600, 3),
                'm' => (60, 2),
                's' => (1, 1),
                _ => (0, 0),
            };
            if (rank == 0 || rank >= lastUnitRank)
            {
                return false;
            }

            lastUnitRank = rank;
            total += (double)number * seconds;
            i++;
        }

        if (total <= 0 || total > Max.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(total);
        return true;
    }

    private static bool TryParseIso(string text, out TimeSpan value)
    {
        value = default;
        try
        {
            value = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }

        return value > TimeSpan.Zero && value <= Max;
    }

    /// <summary>
    /// The form a marketer reads best, in the flow language's own syntax: hours up to four days (<c>50h</c>,
    /// <c>1h30m</c>), days and hours beyond (<c>7d</c>, <c>5d12h</c>).
    /// </summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return value == TimeSpan.Zero ? "0s" : "-" + Format(value.Negate());
        }

        var sb = new StringBuilder();
        if (value < TimeSpan.FromDays(4))
        {
            Append(sb, (int)value.TotalHours, 'h');
        }
        else
        {
            Append(sb, value.Days, 'd');
            Append(sb, value.Hours, 'h');
        }

        Append(sb, value.Minutes, 'm');
        Append(sb, value.Seconds, 's');
        return sb.Length == 0 ? "0s" : sb.ToString();

        static void Append(StringBuilder sb, int n, char unit)
        {
            if (n != 0)
            {
                sb.Append(n.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }
}
