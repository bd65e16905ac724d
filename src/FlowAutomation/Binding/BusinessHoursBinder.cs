using System.Collections.Immutable;
using System.Globalization;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Binding;

/// <summary>
/// Binds <c>business_hours: { days: [mon, …], from: "09:00", to: "18:00", tz: Asia/Singapore }</c>.
/// <c>days</c> defaults to every day and <c>tz</c> to UTC; <c>to: "24:00"</c> is the end of the day.
/// </summary>
internal static class BusinessHoursBinder
{
    private static readonly string[] RequiredKeys = ["from", "to"];

    private static readonly Dictionary<string, string> DayGroups = new(StringComparer.Ordinal)
    {
        ["weekdays"] = "mon, tue, wed, thu, fri",
        ["weekday"] = "mon, tue, wed, thu, fri",
        ["weekends"] = "sat, sun",
        ["weekend"] = "sat, sun",
        ["everyday"] = "mon, tue, wed, thu, fri, sat, sun",
        ["daily"] = "mon, tue, wed, thu, fri, sat, sun",
    };

    /// <summary>Zone abbreviations marketers write, and the IANA zone to suggest for each (the most likely market).</summary>
    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["SGT"] = "Asia/Singapore", ["MYT"] = "Asia/Kuala_Lumpur", ["WIB"] = "Asia/Jakarta", ["ICT"] = "Asia/Bangkok",
        ["PHT"] = "Asia/Manila", ["HKT"] = "Asia/Hong_Kong", ["JST"] = "Asia/Tokyo", ["KST"] = "Asia/Seoul",
        ["IST"] = "Asia/Kolkata", ["AEST"] = "Australia/Sydney", ["GMT"] = "Europe/London", ["BST"] = "Europe/London",
        ["CET"] = "Europe/Paris", ["CEST"] = "Europe/Paris", ["EST"] = "America/New_York", ["EDT"] = "America/New_York",
        ["CST"] = "America/Chicago", ["PST"] = "America/Los_Angeles", ["PDT"] = "America/Los_Angeles",
    };

    private static readonly Lazy<string[]> ZoneIds = new(() =>
        [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Append("UTC").Distinct(StringComparer.Ordinal)]);

    public static Condition? Bind(NodeReader reader, YamlNode keyNode, YamlNode value)
    {
        if (value is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, value, "business_hours", "a mapping with days, from, to and tz", NodeReader.Describe(value));
            return null;
        }

        var errors = reader.Diagnostics.ErrorCount;
        ImmutableArray<DayOfWeek> days = [.. Enum.GetValues<DayOfWeek>()];
        TimeOnly? from = null, to = null;
        var toEnd = false;
        var zone = TimeZoneInfo.Utc;
        foreach (var (key, _, item) in reader.Entries(map, FlowVocabulary.BusinessHoursKeys, "business_hours", RequiredKeys).Items)
        {
            switch (key)
            {
                case "days":
                    days = Days(reader, item);
                    break;
                case "from":
                    from = Time(reader, item, out _);
                    break;
                case "to":
                    to = Time(reader, item, out toEnd);
                    break;
                case "tz":
                    zone = Zone(reader, item) ?? zone;
                    break;
            }
        }

        if (reader.Diagnostics.ErrorCount > errors || from is null || to is null || days.IsEmpty)
        {
            return null;
        }

        return new BusinessHoursCondition(days, from.Value, to.Value, toEnd, zone) { Span = reader.Span(keyNode) };
    }

    private static ImmutableArray<DayOfWeek> Days(NodeReader reader, YamlNode node)
    {
        var result = ImmutableArray.CreateBuilder<DayOfWeek>();
        foreach (var (text, at) in reader.TextList(node, "days"))
        {
            var index = FlowVocabulary.Days.IndexOf(text.ToLowerInvariant());
            if (index < 0)
            {
                var hint = DayGroups.TryGetValue(text.ToLowerInvariant(), out var group) ? $"; for {text} write [{group}]" : string.Empty;
                reader.Report(DiagnosticCodes.BadDay, at, NodeReader.Shorten(text), hint);
                continue;
            }

            var day = (DayOfWeek)((index + 1) % 7);
            if (!result.Contains(day))
            {
                result.Add(day);
            }
        }

        return result.ToImmutable();
    }

    private static TimeOnly? Time(NodeReader reader, YamlNode node, out bool endOfDay)
    {
        endOfDay = false;
        var text = node is YamlScalarNode s ? s.Value : null;
        if (text == "24:00")
        {
            endOfDay = true;
            return TimeOnly.MaxValue;
        }

        if (text is { Length: 5 } && text[2] == ':' && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        reader.Report(DiagnosticCodes.BadTime, node, text ?? NodeReader.Describe(node));
        return null;
    }

    private static TimeZoneInfo? Zone(NodeReader reader, YamlNode node)
    {
        var id = reader.Text(node, "tz");
        if (id is null)
        {
            return null;
        }

        if (id is "UTC" or "Etc/UTC")
        {
            return TimeZoneInfo.Utc;
        }

        if (!id.Contains('/', StringComparison.Ordinal) || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            var hint = Abbreviations.TryGetValue(id.ToUpperInvariant(), out var named) ? $"; did you mean '{named}'?" : Spelling.DidYouMean(id, ZoneIds.Value);
            reader.Report(DiagnosticCodes.BadTimeZone, node, NodeReader.Shorten(id), hint);
            return null;
        }

        return zone;
    }
}
