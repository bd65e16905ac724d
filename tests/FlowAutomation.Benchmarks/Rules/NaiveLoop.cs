using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FlowAutomation.Model;
using FlowAutomation.Rules;

namespace FlowAutomation.Benchmarks.Rules;

/// <summary>
/// The baseline: a plain loop over every flow in agenda order, walking each condition tree with
/// <see cref="PathResolver"/> and folding strings with <see cref="string.ToLowerInvariant()"/> as it goes, the same
/// semantics as the rule network (docs/rule-network.md), without any index or sharing (the message text is folded once
/// per event). Chaining is left out: the benchmark's flows do not tag. Not thread-safe.
/// </summary>
internal sealed class NaiveLoop(IEnumerable<FlowDefinition> flows)
{
    private readonly FlowDefinition[] agenda = [.. flows.OrderByDescending(f => f.Priority).ThenBy(f => f.Order)];

    /// <summary>The flows that fire for the event, in order.</summary>
    public List<FlowDefinition> Evaluate(FactSnapshot facts)
    {
        var fired = new List<FlowDefinition>();
        foreach (var flow in agenda)
        {
            if (flow.Enabled && flow.Trigger == facts.Event.Kind && Holds(flow.When, facts))
            {
                fired.Add(flow);
                if (flow.Then.Any(a => a is StopAction))
                {
                    break;
                }
            }
        }

        return fired;
    }

    private bool Holds(Condition? condition, FactSnapshot facts) => condition switch
    {
        null => true,
        AllCondition all => all.Items.All(c => Holds(c, facts)),
        AnyCondition any => any.Items.Any(c => Holds(c, facts)),
        NotCondition not => !Holds(not.Inner, facts),
        BusinessHoursCondition hours => InHours(hours, facts.Event.At),
        TestCondition test => Test(test, PathResolver.Resolve(test.Path, facts)),
        _ => false,
    };

    private bool Test(TestCondition t, FactValue v)
    {
        if (ConditionSemantics.ReadsNumber(t))
        {
            return ConditionSemantics.HoldsOnNumber(t, v); // numbers in text fields: the one definition
        }

        if (v.IsMissing)
        {
            return t.Operator is TestOperator.NotEquals or TestOperator.NotIn or TestOperator.NotContains or TestOperator.Lacks
                || (t.Operator == TestOperator.Exists && t.Flag == false);
        }

        var text = v.Text is null ? null : Fold(v.Text);
        return t.Operator switch
        {
            TestOperator.Equals => Same(t, v, text),
            TestOperator.NotEquals => !Same(t, v, text),
            TestOperator.In => t.Values.Any(x => Fold(x) == text),
            TestOperator.NotIn => !t.Values.Any(x => Fold(x) == text),
            TestOperator.Contains or TestOperator.ContainsAny => t.Values.Any(k => Contains(v.Text!, k, t.WholeWord)),
            TestOperator.ContainsAll => t.Values.All(k => Contains(v.Text!, k, t.WholeWord)),
            TestOperator.NotContains => !t.Values.Any(k => Contains(v.Text!, k, t.WholeWord)),
            TestOperator.StartsWith => text!.StartsWith(Fold(t.Values[0]), StringComparison.Ordinal),
            TestOperator.EndsWith => text!.EndsWith(Fold(t.Values[0]), StringComparison.Ordinal),
            TestOperator.Matches => IsMatch(t.Regex!, v.Text!),
            TestOperator.Exists => (t.Flag == true) == (v.Kind == ValueKind.Text ? v.Text!.Length > 0 : v.Kind != ValueKind.TagSet || v.Tags!.Count > 0),
            TestOperator.Gt => v.Number > t.Number,
            TestOperator.Gte => v.Number >= t.Number,
            TestOperator.Lt => v.Number < t.Number,
            TestOperator.Lte => v.Number <= t.Number,
            TestOperator.Has or TestOperator.HasAny => t.Values.Any(x => v.Tags!.Any(tag => Fold(tag) == Fold(x))),
            TestOperator.Lacks => !t.Values.Any(x => v.Tags!.Any(tag => Fold(tag) == Fold(x))),
            _ => false,
        };
    }

    private static bool Same(TestCondition t, FactValue v, string? text) => v.Kind switch
    {
        ValueKind.Text => text == Fold(t.Values[0]),
        ValueKind.Boolean => v.Boolean == t.Flag,
        _ => v.Number == t.Number,
    };

    private static bool IsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static string Fold(string s) => s.ToLowerInvariant();

    private string? lastText;
    private string lastHay = string.Empty;

    private bool Contains(string text, string keyword, bool wholeWord)
    {
        // The one concession to speed: the text is folded once per event, not once per keyword.
        if (!ReferenceEquals(text, lastText))
        {
            lastText = text;
            lastHay = Collapse(Fold(text));
        }

        var hay = lastHay;
        var needle = Collapse(Fold(keyword)).Trim(' ');
        for (var at = hay.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = hay.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            var end = at + needle.Length;
            var left = !wholeWord || !(IsWord(needle, 0) && at > 0 && IsWord(hay, at - 1));
            var right = !wholeWord || !(IsWord(needle, needle.Length - 1) && end < hay.Length && IsWord(hay, end));
            if (left && right)
            {
                return true;
            }
        }

        return false;
    }

    private static string Collapse(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (!char.IsWhiteSpace(c))
            {
                b.Append(c);
            }
            else if (b.Length == 0 || b[^1] != ' ')
            {
                b.Append(' ');
            }
        }

        return b.ToString();
    }

    /// <summary>The character (or surrogate pair) around index i is a letter, digit or mark of a script written with spaces.</summary>
    private static bool IsWord(string s, int i)
    {
        if (char.IsLowSurrogate(s[i]) && i > 0)
        {
            i--;
        }

        if (!Rune.TryGetRuneAt(s, i, out var r) || IsNoSpaceScript(r.Value))
        {
            return false;
        }

        return Rune.IsLetterOrDigit(r) || Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }

    private static bool IsNoSpaceScript(int cp) =>
        cp is (>= 0x0E00 and <= 0x0EFF) or (>= 0x1000 and <= 0x109F) or (>= 0x1100 and <= 0x11FF) or (>= 0x1780 and <= 0x17FF)
            or (>= 0x19E0 and <= 0x19FF) or (>= 0x2E80 and <= 0x2FDF) or (>= 0x3005 and <= 0x3007) or (>= 0x3021 and <= 0x3029)
            or (>= 0x3040 and <= 0x30FF) or (>= 0x3130 and <= 0x318F) or (>= 0x31F0 and <= 0x31FF) or (>= 0x3400 and <= 0x4DBF)
            or (>= 0x4E00 and <= 0x9FFF) or (>= 0xA960 and <= 0xA97F) or (>= 0xAC00 and <= 0xD7FF) or (>= 0xF900 and <= 0xFAFF)
            or (>= 0xFF66 and <= 0xFFDC) or (>= 0x1B000 and <= 0x1B16F) or (>= 0x20000 and <= 0x3FFFF);

    private static bool InHours(BusinessHoursCondition b, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, b.Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var yesterday = (DayOfWeek)(((int)local.DayOfWeek + 6) % 7);
        return b.ToIsEndOfDay || b.From <= b.To
            ? b.Days.Contains(local.DayOfWeek) && time >= b.From && (b.ToIsEndOfDay || time < b.To)
            : (b.Days.Contains(local.DayOfWeek) && time >= b.From) || (b.Days.Contains(yesterday) && time < b.To);
    }
}
