using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// The semantics of the tests that are not answered by signals: presence, numbers (and numbers in text fields, in
/// ConditionSemantics.Numbers.cs), flags, business hours.
/// </summary>
internal static partial class ConditionSemantics
{
    /// <summary><c>exists: true</c>: present, and for text not empty, for a tag set not empty.</summary>
    public static bool IsPresent(FactValue value) => !value.IsMissing && value.Kind switch
    {
        ValueKind.Text => value.Text!.Length > 0,
        ValueKind.TagSet => value.Tags!.Count > 0,
        _ => true,
    };

    /// <summary><c>equals</c> on a number (<see cref="TestCondition.Number"/>) or a boolean (<see cref="TestCondition.Flag"/>) path.</summary>
    public static bool ScalarEquals(TestCondition test, FactValue value) => value.Kind switch
    {
        ValueKind.Boolean => value.Boolean == test.Flag,
        ValueKind.Text => TextRules.FoldedEquals(value.Text!, test.Values[0]),
        _ => value.Number == test.Number,
    };

    /// <summary>
    /// <c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c> on a number, a duration in seconds or a text read as a number (see
    /// <see cref="NumberOf"/>), and <c>equals</c> on a number or boolean path; the value is present.
    /// </summary>
    public static bool Compare(TestCondition test, FactValue value) => test.Operator == TestOperator.Equals
        ? ScalarEquals(test, value)
        : Compare(test.Operator, NumberOf(value), test.Number ?? double.NaN);

    /// <summary>
    /// The event's time, in the condition's zone, falls on one of its days and From ≤ time &lt; To (To at the end of the
    /// day: up to midnight). When From &gt; To the range spans midnight, and the day that counts is the day it starts.
    /// </summary>
    public static bool InBusinessHours(BusinessHoursCondition hours, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, hours.Zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        if (hours.ToIsEndOfDay || hours.From <= hours.To)
        {
            return HasDay(hours, local.DayOfWeek) && hours.From <= time && (hours.ToIsEndOfDay || time < hours.To);
        }

        if (time >= hours.From)
        {
            return HasDay(hours, local.DayOfWeek);
        }

        return time < hours.To && HasDay(hours, local.DayOfWeek == DayOfWeek.Sunday ? DayOfWeek.Saturday : local.DayOfWeek - 1);
    }

    /// <summary>The event's local time in the condition's zone, as the explanation shows it.</summary>
    public static string LocalTime(BusinessHoursCondition hours, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, hours.Zone).ToString("ddd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + hours.Zone.Id;

    private static bool HasDay(BusinessHoursCondition hours, DayOfWeek day)
    {
        foreach (var d in hours.Days)
        {
            if (d == day)
            {
                return true;
            }
        }

        return false;
    }
}
