using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// What a condition means, in one place: every rule engine calls these (the rule network for the tests its signals do
/// not answer, and to define what its signals must agree with; the NRules engine for every test). docs/rule-network.md
/// ("Semantics") states them in prose; <see cref="TextRules"/> holds the text rules they use, ConditionSemantics.Numbers.cs
/// how a text reads as a number.
/// </summary>
internal static partial class ConditionSemantics
{
    /// <summary>Whether the test holds for the value (read from the event with <see cref="PathResolver"/>).</summary>
    [MethodImpl(Hot.Options)]
    public static bool Holds(CompiledTest test, FactValue value)
    {
        if (!test.IsKeywordTest || value.IsMissing)
        {
            return Holds(test, value, default);
        }

        var text = value.Text!;
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        return Holds(test, value, buffer[..TextRules.Fold(text, buffer, collapseWhitespace: true)]);
    }

    /// <summary>
    /// Whether the test holds for the value. For a keyword test, <paramref name="keywordText"/> is the value's text as
    /// <see cref="TextRules.Fold(ReadOnlySpan{char}, Span{char}, bool)"/> folds it with whitespace runs collapsed (a
    /// caller that evaluates many keyword tests on one text folds it once); other tests ignore it.
    /// </summary>
    [MethodImpl(Hot.Options)]
    public static bool Holds(CompiledTest test, FactValue value, ReadOnlySpan<char> keywordText)
    {
        if (test.ReadsNumber)
        {
            return HoldsOnNumber(test.Test, value);
        }

        switch (test.Operator)
        {
            case TestOperator.Exists:
                return IsPresent(value) == test.Test.Flag;
            case TestOperator.NotEquals:
                return value.IsMissing || !ScalarEquals(test.Test, value);
            case TestOperator.NotIn:
                return value.IsMissing || !IsOneOf(value.Text!, test);
            case TestOperator.NotContains:
                return value.IsMissing || !ContainsKeyword(keywordText, test, all: false);
            case TestOperator.Lacks:
                return value.IsMissing || !HoldsTag(value.Tags!, test);
        }

        if (value.IsMissing)
        {
            return false;
        }

        switch (test.Operator)
        {
            case TestOperator.Equals:
                return ScalarEquals(test.Test, value);
            case TestOperator.In:
                return IsOneOf(value.Text!, test);
            case TestOperator.Contains or TestOperator.ContainsAny:
                return ContainsKeyword(keywordText, test, all: false);
            case TestOperator.ContainsAll:
                return ContainsKeyword(keywordText, test, all: true);
            case TestOperator.StartsWith:
                return TextRules.FoldedStartsWith(value.Text!, test.Operands[0]);
            case TestOperator.EndsWith:
                return TextRules.FoldedEndsWith(value.Text!, test.Operands[0]);
            case TestOperator.Matches:
                return MatchesPattern(test.Test.Regex!, value.Text!);
            case TestOperator.Has or TestOperator.HasAny:
                return HoldsTag(value.Tags!, test);
            default:
                return Compare(test.Test, value);
        }
    }

    /// <summary><c>matches</c>: the compiled pattern (with its timeout) on the text as it is; a timeout makes the test false.</summary>
    public static bool MatchesPattern(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary><c>contains</c>/<c>contains_any</c> (one keyword occurs), <c>contains_all</c> (every one does), in the folded text.</summary>
    [MethodImpl(Hot.Options)]
    private static bool ContainsKeyword(ReadOnlySpan<char> text, CompiledTest test, bool all)
    {
        for (var i = 0; i < test.Operands.Length; i++)
        {
            var found = TextRules.ContainsKeyword(text, test.Operands[i], test.Test.WholeWord, test.NeedLeft[i], test.NeedRight[i]);
            if (found != all)
            {
                return found;
            }
        }

        return all;
    }

    /// <summary><c>in</c>: the text equals one of the operands once folded.</summary>
    [MethodImpl(Hot.Options)]
    private static bool IsOneOf(string text, CompiledTest test)
    {
        foreach (var operand in test.Operands)
        {
            if (TextRules.FoldedEquals(text, operand))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>has</c>/<c>has_any</c>: the contact holds one of the operand tags, compared folded.</summary>
    [MethodImpl(Hot.Options)]
    private static bool HoldsTag(IReadOnlySet<string> tags, CompiledTest test)
    {
        foreach (var tag in tags)
        {
            foreach (var operand in test.Operands)
            {
                if (TextRules.FoldedEquals(tag, operand))
                {
                    return true;
                }
            }
        }

        return false;
    }

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
