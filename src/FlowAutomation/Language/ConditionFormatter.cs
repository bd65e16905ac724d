using System.Globalization;
using FlowAutomation.Model;

namespace FlowAutomation.Language;

/// <summary>Writes conditions and actions back in words a marketer recognises, for diagrams and traces.</summary>
public static class ConditionFormatter
{
    public static string OperatorName(TestOperator op) =>
        FlowVocabulary.Operators.First(o => o.Operator == op).Name;

    /// <summary>The expected operand as written: a value, a list, a pattern, a number or a duration.</summary>
    public static string Operand(TestCondition test)
    {
        if (test.Regex is not null)
        {
            return "/" + test.Regex + "/";
        }

        if (test.Flag is { } flag)
        {
            return flag ? "true" : "false";
        }

        if (test.Number is { } n)
        {
            return test.Path.Kind == ValueKind.Duration
                ? Durations.Format(TimeSpan.FromSeconds(n))
                : n.ToString(CultureInfo.InvariantCulture);
        }

        // A value written as a number (which also matches a text that reads as that number) is shown unquoted.
        var shown = test.Values.Select((v, i) => !test.ValueNumbers.IsDefaultOrEmpty && test.ValueNumbers[i] is not null ? v : Quote(v)).ToList();
        return shown.Count == 1 && FlowVocabulary.Operators.First(o => o.Operator == test.Operator).Operand != OperandShape.List
            ? shown[0]
            : "[" + string.Join(", ", shown) + "]";
    }

    public static string Describe(Condition condition) => condition switch
    {
        TestCondition t => $"{t.Path} {OperatorName(t.Operator)} {Operand(t)}" + (t.WholeWord || !IsKeyword(t) ? string.Empty : " (anywhere in words)"),
        AllCondition a => string.Join(" and ", a.Items.Select(Grouped)),
        AnyCondition a => string.Join(" or ", a.Items.Select(Grouped)),
        NotCondition n => "not " + Grouped(n.Inner),
        BusinessHoursCondition b => BusinessHours(b),
        _ => condition.GetType().Name,
    };

    public static string BusinessHours(BusinessHoursCondition b)
    {
        var days = b.Days.Length == 7 ? "every day" : string.Join(",", b.Days.OrderBy(d => ((int)d + 6) % 7).Select(d => FlowVocabulary.Days[((int)d + 6) % 7]));
        var to = b.ToIsEndOfDay ? "24:00" : b.To.ToString("HH:mm", CultureInfo.InvariantCulture);
        return $"business hours {days} {b.From.ToString("HH:mm", CultureInfo.InvariantCulture)}-{to} {b.Zone.Id}";
    }

    public static string Describe(FlowAction action) => action switch
    {
        TagAction t => "tag " + string.Join(", ", t.Tags),
        UntagAction u => "untag " + string.Join(", ", u.Tags),
        AssignAction { Agent: { } agent } => "assign to " + agent,
        AssignAction a => $"assign to team {a.Team} ({(a.Strategy == AssignStrategy.LeastOpen ? "least open" : "round robin")})",
        UnassignAction => "unassign",
        ReplyAction { Kind: ReplyKind.Text } r => "reply " + Quote(Shorten(r.Text!.Source, 60)),
        ReplyAction { Kind: ReplyKind.Image } r => "reply image " + r.ImageUrl,
        ReplyAction r => "reply shared post " + r.PostId,
        SetAction s => "set " + string.Join(", ", s.Fields.Select(f => $"{f.Field} = {Quote(Shorten(f.Value.Source, 30))}")),
        FollowUpAction f => $"after {Durations.Format(f.After)}" + (f.UnlessCustomerReplied ? " unless the customer replied" : string.Empty)
            + (f.When is null ? string.Empty : " if " + Describe(f.When)),
        ReportSpamAction => "report spam",
        CloseAction => "close the conversation",
        StopAction => "stop",
        _ => action.GetType().Name,
    };

    private static bool IsKeyword(TestCondition t) => FlowVocabulary.Operators.First(o => o.Operator == t.Operator).IsKeyword;

    private static string Grouped(Condition c) => c is AllCondition or AnyCondition ? "(" + Describe(c) + ")" : Describe(c);

    private static string Quote(string s) => "\"" + s + "\"";

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
