using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FlowAutomation.Model;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// The semantics of docs/rule-network.md ("Semantics"), written as plainly as possible: every flow, every event, a
/// recursive walk over the condition tree with <see cref="PathResolver"/>, strings folded with
/// <see cref="string.ToLowerInvariant()"/>, keywords found with <see cref="string.IndexOf(string, int, StringComparison)"/>.
/// The rule network must agree with it on every input.
/// </summary>
internal static class NaiveEvaluator
{
    public sealed record Firing(string FlowId, EventKind Kind, string? Tag, int Depth);

    public sealed record Run(List<Firing> Firings, bool DepthLimitReached);

    /// <summary>The whole evaluation contract: agenda order, stop, once_per, chaining of contact.tagged events.</summary>
    public static Run Evaluate(IReadOnlyList<FlowDefinition> flows, FactSnapshot facts, Func<string, OncePer, bool> hasFired, int maxDepth = 8)
    {
        var agenda = flows.Select((f, i) => (f, i)).OrderByDescending(x => x.f.Priority).ThenBy(x => x.f.Order).ThenBy(x => x.i).Select(x => x.f).ToList();
        var chains = flows.Any(f => f.Enabled && f.Trigger == EventKind.ContactTagged);
        var firings = new List<Firing>();
        var firedOnce = new HashSet<string>();
        var level = new List<FactSnapshot> { facts };
        var contact = facts.Contact;
        for (var depth = 0; ; depth++)
        {
            var fired = new List<FlowDefinition>();
            foreach (var snapshot in level)
            {
                foreach (var flow in agenda)
                {
                    if (!flow.Enabled || flow.Trigger != snapshot.Event.Kind || !Holds(flow.When, snapshot))
                    {
                        continue;
                    }

                    if (flow.OncePer != OncePer.None)
                    {
                        if (firedOnce.Contains(flow.Id) || hasFired(flow.Id, flow.OncePer))
                        {
                            continue;
                        }

                        firedOnce.Add(flow.Id);
                    }

                    fired.Add(flow);
                    firings.Add(new Firing(flow.Id, snapshot.Event.Kind, snapshot.Event.Tag, depth));
                    if (flow.Then.Any(a => a is StopAction))
                    {
                        break;
                    }
                }
            }

            if (!chains)
            {
                return new Run(firings, false);
            }

            var tags = contact.Tags;
            var raised = new List<string>();
            foreach (var flow in fired)
            {
                foreach (var action in flow.Then.TakeWhile(a => a is not StopAction))
                {
                    if (action is TagAction tag)
                    {
                        foreach (var t in tag.Tags.Where(t => !tags.Any(held => Fold(held) == Fold(t))))
                        {
                            tags = tags.Add(t);
                            raised.Add(t);
                        }
                    }
                    else if (action is UntagAction untag)
                    {
                        foreach (var t in untag.Tags)
                        {
                            tags = tags.Except(tags.Where(held => Fold(held) == Fold(t)));
                        }
                    }
                }
            }

            if (raised.Count == 0)
            {
                return new Run(firings, false);
            }

            if (depth + 1 > maxDepth)
            {
                return new Run(firings, true);
            }

            contact = contact with { Tags = tags };
            level = [.. raised.Select(t => new FactSnapshot(FlowEvent.ContactTagged(facts.Event.At, t), contact, facts.Conversation))];
        }
    }

    public static bool Holds(Condition? condition, FactSnapshot facts) => condition switch
    {
        null => true,
        AllCondition all => all.Items.All(c => Holds(c, facts)),
        AnyCondition any => any.Items.Any(c => Holds(c, facts)),
        NotCondition not => !Holds(not.Inner, facts),
        BusinessHoursCondition hours => InBusinessHours(hours, facts.Event.At),
        TestCondition test => Test(test, PathResolver.Resolve(test.Path, facts)),
        _ => throw new ArgumentException("unknown condition"),
    };

    private static bool Test(TestCondition t, FactValue v)
    {
        if (v.Kind == ValueKind.Text && (t.Operator is TestOperator.Gt or TestOperator.Gte or TestOperator.Lt or TestOperator.Lte || t.ValueNumbers.Any(n => n is not null)))
        {
            return NumberInText(t, v);
        }

        switch (t.Operator)
        {
            case TestOperator.Exists:
                var present = !v.IsMissing && (v.Kind != ValueKind.Text || v.Text!.Length > 0) && (v.Kind != ValueKind.TagSet || v.Tags!.Count > 0);
                return t.Flag == true ? present : !present;
            case TestOperator.NotEquals:
                return v.IsMissing || !EqualsValue(t, v);
            case TestOperator.NotIn:
                return v.IsMissing || !t.Values.Any(x => Fold(x) == Fold(v.Text!));
            case TestOperator.NotContains:
                return v.IsMissing || !t.Values.Any(k => ContainsKeyword(v.Text!, k, t.WholeWord));
            case TestOperator.Lacks:
                return v.IsMissing || !t.Values.Any(x => v.Tags!.Any(tag => Fold(tag) == Fold(x)));
        }

        if (v.IsMissing)
        {
            return false;
        }

        switch (t.Operator)
        {
            case TestOperator.Equals:
                return EqualsValue(t, v);
            case TestOperator.In:
                return t.Values.Any(x => Fold(x) == Fold(v.Text!));
            case TestOperator.Contains:
            case TestOperator.ContainsAny:
                return t.Values.Any(k => ContainsKeyword(v.Text!, k, t.WholeWord));
            case TestOperator.ContainsAll:
                return t.Values.All(k => ContainsKeyword(v.Text!, k, t.WholeWord));
            case TestOperator.StartsWith:
                return Fold(v.Text!).StartsWith(Fold(t.Values[0]), StringComparison.Ordinal);
            case TestOperator.EndsWith:
                return Fold(v.Text!).EndsWith(Fold(t.Values[0]), StringComparison.Ordinal);
            case TestOperator.Matches:
                try
                {
                    return t.Regex!.IsMatch(v.Text!);
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }

            case TestOperator.Gt:
                return v.Number > t.Number;
            case TestOperator.Gte:
                return v.Number >= t.Number;
            case TestOperator.Lt:
                return v.Number < t.Number;
            case TestOperator.Lte:
                return v.Number <= t.Number;
            case TestOperator.Has:
            case TestOperator.HasAny:
                return t.Values.Any(x => v.Tags!.Any(tag => Fold(tag) == Fold(x)));
            default:
                throw new ArgumentException("unknown operator " + t.Operator);
        }
    }

    /// <summary>
    /// Numbers in text fields: gt/gte/lt/lte compare the text read as a number (false when it is not one); equals and in
    /// hold when the text equals a value or reads as the same number as a value written as a number; not_equals and
    /// not_in are their negations.
    /// </summary>
    private static bool NumberInText(TestCondition t, FactValue v)
    {
        var n = v.IsMissing ? null : NaiveNumbers.Read(v.Text!);
        switch (t.Operator)
        {
            case TestOperator.Gt:
                return n > t.Number;
            case TestOperator.Gte:
                return n >= t.Number;
            case TestOperator.Lt:
                return n < t.Number;
            case TestOperator.Lte:
                return n <= t.Number;
        }

        var equal = !v.IsMissing && (t.Values.Any(x => Fold(x) == Fold(v.Text!)) || (n is not null && t.ValueNumbers.Contains(n)));
        return t.Operator is TestOperator.NotEquals or TestOperator.NotIn ? !equal : equal;
    }

    private static bool EqualsValue(TestCondition t, FactValue v) => v.Kind switch
    {
        ValueKind.Text => Fold(v.Text!) == Fold(t.Values[0]),
        ValueKind.Boolean => v.Boolean == t.Flag,
        _ => v.Number == t.Number,
    };

    public static string Fold(string s) => s.ToLowerInvariant();

    /// <summary>Lower-case both, collapse whitespace runs to one space, trim the keyword; then look at every occurrence.</summary>
    public static bool ContainsKeyword(string text, string keyword, bool wholeWord)
    {
        var hay = CollapseWhitespace(Fold(text));
        var needle = CollapseWhitespace(Fold(keyword)).Trim(' ');
        for (var at = hay.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = hay.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            if (!wholeWord)
            {
                return true;
            }

            var leftBlocked = IsWordChar(FirstRune(needle)) && IsWordChar(RuneBefore(hay, at));
            var rightBlocked = IsWordChar(LastRune(needle)) && IsWordChar(RuneAfter(hay, at + needle.Length));
            if (!leftBlocked && !rightBlocked)
            {
                return true;
            }
        }

        return false;
    }

    private static string CollapseWhitespace(string s)
    {
        var result = new StringBuilder();
        foreach (var c in s)
        {
            if (!char.IsWhiteSpace(c))
            {
                result.Append(c);
            }
            else if (result.Length == 0 || result[^1] != ' ')
            {
                result.Append(' ');
            }
        }

        return result.ToString();
    }

    /// <summary>A letter, digit or combining mark of a script written with spaces. Null (no character, or a broken surrogate) is not.</summary>
    private static bool IsWordChar(Rune? rune)
    {
        if (rune is not { } r || IsNoSpaceScript(r.Value))
        {
            return false;
        }

        var category = Rune.GetUnicodeCategory(r);
        return Rune.IsLetterOrDigit(r) || category == UnicodeCategory.NonSpacingMark || category == UnicodeCategory.SpacingCombiningMark || category == UnicodeCategory.EnclosingMark;
    }

    private static readonly (int From, int To)[] NoSpaceScripts =
    [
        (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1100, 0x11FF), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x2E80, 0x2FDF),
        (0x3005, 0x3007), (0x3021, 0x3029), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFF66, 0xFFDC), (0x1B000, 0x1B16F),
        (0x20000, 0x3FFFF),
    ];

    private static bool IsNoSpaceScript(int cp) => NoSpaceScripts.Any(r => cp >= r.From && cp <= r.To);

    private static Rune? FirstRune(string s) => RuneAfter(s, 0);

    private static Rune? LastRune(string s) => RuneBefore(s, s.Length);

    private static Rune? RuneAfter(string s, int i)
    {
        if (i >= s.Length)
        {
            return null;
        }

        if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            return new Rune(s[i], s[i + 1]);
        }

        return char.IsSurrogate(s[i]) ? null : new Rune(s[i]);
    }

    private static Rune? RuneBefore(string s, int i)
    {
        if (i <= 0)
        {
            return null;
        }

        if (char.IsLowSurrogate(s[i - 1]) && i >= 2 && char.IsHighSurrogate(s[i - 2]))
        {
            return new Rune(s[i - 2], s[i - 1]);
        }

        return char.IsSurrogate(s[i - 1]) ? null : new Rune(s[i - 1]);
    }

    /// <summary>Business hours as docs/rule-network.md states them.</summary>
    public static bool InBusinessHours(BusinessHoursCondition b, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, b.Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var today = local.DayOfWeek;
        var yesterday = (DayOfWeek)(((int)today + 6) % 7);
        if (b.ToIsEndOfDay)
        {
            return b.Days.Contains(today) && time >= b.From;
        }

        if (b.From <= b.To)
        {
            return b.Days.Contains(today) && time >= b.From && time < b.To;
        }

        return (b.Days.Contains(today) && time >= b.From) || (b.Days.Contains(yesterday) && time < b.To);
    }
}
