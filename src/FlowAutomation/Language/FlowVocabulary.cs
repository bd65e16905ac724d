using System.Collections.Frozen;
using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Language;

/// <summary>What an operator accepts as its operand.</summary>
public enum OperandShape
{
    /// <summary>One text, number or yes/no value, typed by the path.</summary>
    Scalar,

    /// <summary>A list of texts (a single text is taken as a list of one).</summary>
    List,

    /// <summary>A .NET regular expression.</summary>
    Pattern,

    /// <summary>true or false.</summary>
    Flag,

    /// <summary>A number, or a duration for duration paths.</summary>
    Ordered,
}

public sealed record OperatorInfo(string Name, TestOperator Operator, OperandShape Operand, ImmutableArray<ValueKind> AppliesTo, bool IsKeyword, string Description);

public sealed record TriggerInfo(string Name, EventKind Kind, string Description);

public sealed record ActionInfo(string Name, string Description);

/// <summary>
/// The closed vocabulary of flow language version 1: keys, triggers, operators and actions.
/// The binder reads it to accept and suggest, and the schema generator writes the JSON Schema from it,
/// so the two cannot disagree.
/// </summary>
public static class FlowVocabulary
{
    public static ImmutableArray<string> FlowKeys { get; } =
        ["flow", "name", "description", "enabled", "priority", "on", "once_per", "when", "then"];

    public static ImmutableArray<string> RequiredFlowKeys { get; } = ["flow", "on", "then"];

    public static ImmutableArray<TriggerInfo> Triggers { get; } =
    [
        new("message.received", EventKind.MessageReceived, "The customer sent a direct message."),
        new("lead.submitted", EventKind.LeadSubmitted, "A lead-ad form was submitted."),
        new("referral.received", EventKind.ReferralReceived, "The customer arrived from an ad or a tiktok.me short link."),
        new("contact.tagged", EventKind.ContactTagged, "A flow added a tag to the contact; event.tag names it."),
    ];

    /// <summary>Trigger names a marketer might try that would make the business speak first.</summary>
    public static ImmutableArray<string> BusinessInitiatedTriggers { get; } =
        ["schedule", "scheduled", "broadcast", "campaign", "cron", "timer", "time", "daily", "weekly", "message.send", "outbound", "contact.created", "contact.imported"];

    public static ImmutableArray<string> OncePerValues { get; } = ["contact", "conversation", "window"];

    public static ImmutableArray<string> GroupKeys { get; } = ["all", "any", "not", "business_hours"];

    public static ImmutableArray<string> BusinessHoursKeys { get; } = ["days", "from", "to", "tz"];

    public static ImmutableArray<string> Days { get; } = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>The modifier that may stand beside a keyword operator.</summary>
    public const string WholeWordKey = "whole_word";

    private static readonly ImmutableArray<ValueKind> TextKinds = [ValueKind.Text];
    private static readonly ImmutableArray<ValueKind> EqualityKinds = [ValueKind.Text, ValueKind.Number, ValueKind.Boolean];
    private static readonly ImmutableArray<ValueKind> OrderedKinds = [ValueKind.Number, ValueKind.Duration];
    private static readonly ImmutableArray<ValueKind> SetKinds = [ValueKind.TagSet];
    private static readonly ImmutableArray<ValueKind> AllKinds = [ValueKind.Text, ValueKind.Number, ValueKind.Boolean, ValueKind.Duration, ValueKind.TagSet];

    public static ImmutableArray<OperatorInfo> Operators { get; } =
    [
        new("equals", TestOperator.Equals, OperandShape.Scalar, EqualityKinds, false, "The value equals the operand (text ignores case). A bare value means equals. On lead.fields, contact.fields and message.text, an unquoted number also matches a text that reads as that number."),
        new("not_equals", TestOperator.NotEquals, OperandShape.Scalar, EqualityKinds, false, "The value differs from the operand, or is missing."),
        new("in", TestOperator.In, OperandShape.List, TextKinds, false, "The value is one of the listed texts. On lead.fields, contact.fields and message.text, an unquoted number also matches a text that reads as that number."),
        new("not_in", TestOperator.NotIn, OperandShape.List, TextKinds, false, "The value is none of the listed texts, or is missing."),
        new("contains", TestOperator.Contains, OperandShape.Scalar, TextKinds, true, "The text contains the word or phrase."),
        new("contains_any", TestOperator.ContainsAny, OperandShape.List, TextKinds, true, "The text contains at least one of the words or phrases."),
        new("contains_all", TestOperator.ContainsAll, OperandShape.List, TextKinds, true, "The text contains every one of the words or phrases."),
        new("not_contains", TestOperator.NotContains, OperandShape.List, TextKinds, true, "The text contains none of the words or phrases."),
        new("starts_with", TestOperator.StartsWith, OperandShape.Scalar, TextKinds, false, "The text starts with the operand."),
        new("ends_with", TestOperator.EndsWith, OperandShape.Scalar, TextKinds, false, "The text ends with the operand."),
        new("matches", TestOperator.Matches, OperandShape.Pattern, TextKinds, false, "The text matches the .NET regular expression (case-insensitive, time-limited)."),
        new("exists", TestOperator.Exists, OperandShape.Flag, AllKinds, false, "true: the value is present and not empty; false: it is missing."),
        new("gt", TestOperator.Gt, OperandShape.Ordered, OrderedKinds, false, "Greater than the number or duration; on lead.fields, contact.fields and message.text, the text read as a number."),
        new("gte", TestOperator.Gte, OperandShape.Ordered, OrderedKinds, false, "Greater than or equal to the number or duration; on lead.fields, contact.fields and message.text, the text read as a number."),
        new("lt", TestOperator.Lt, OperandShape.Ordered, OrderedKinds, false, "Less than the number or duration; on lead.fields, contact.fields and message.text, the text read as a number."),
        new("lte", TestOperator.Lte, OperandShape.Ordered, OrderedKinds, false, "Less than or equal to the number or duration; on lead.fields, contact.fields and message.text, the text read as a number."),
        new("has", TestOperator.Has, OperandShape.Scalar, SetKinds, false, "The set holds the tag."),
        new("has_any", TestOperator.HasAny, OperandShape.List, SetKinds, false, "The set holds at least one of the tags."),
        new("lacks", TestOperator.Lacks, OperandShape.Scalar, SetKinds, false, "The set does not hold the tag (or, given a list, holds none of them)."),
    ];

    public static FrozenDictionary<string, OperatorInfo> OperatorsByName { get; } =
        Operators.ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);

    /// <summary>
    /// Whether the operator applies to the path: by the path's type (<see cref="OperatorInfo.AppliesTo"/>), and the
    /// numeric operators (gt, gte, lt, lte) also to the text paths that read numbers (<see cref="PathInfo.ReadsNumbers"/>).
    /// </summary>
    public static bool Applies(OperatorInfo op, PathInfo path) =>
        op.AppliesTo.Contains(path.Kind) || (path.ReadsNumbers && op.Operand == OperandShape.Ordered);

    /// <summary>The operators that apply to the path, in vocabulary order.</summary>
    public static IEnumerable<OperatorInfo> OperatorsFor(PathInfo path) => Operators.Where(o => Applies(o, path));

    public static ImmutableArray<ActionInfo> Actions { get; } =
    [
        new("tag", "Add one tag or a list of tags to the contact; each new tag raises contact.tagged."),
        new("untag", "Remove one tag or a list of tags."),
        new("assign", "Assign the conversation: `agent: id`, or `team: name` with `strategy: round_robin | least_open`."),
        new("unassign", "Remove the assignment (`unassign: true`)."),
        new("reply", "Send a message: exactly one of `text`, `image`, `share_post`; optional `validity`."),
        new("set", "Set contact fields to templated values."),
        new("follow_up", "Run actions later: `after`, optional `unless: customer_replied`, optional `when`, `then`."),
        new("report_spam", "Report the contact as spam (`report_spam: true`)."),
        new("close", "Close the conversation (`close: true`)."),
        new("stop", "Stop: no later action of this flow and no lower-priority flow runs for this event (`stop: true`)."),
    ];

    public static ImmutableArray<string> ActionNames { get; } = [.. Actions.Select(a => a.Name)];

    public static ImmutableArray<string> AssignKeys { get; } = ["agent", "team", "strategy"];

    public static ImmutableArray<string> AssignStrategies { get; } = ["round_robin", "least_open"];

    public static ImmutableArray<string> ReplyKeys { get; } = ["text", "image", "share_post", "validity"];

    public static ImmutableArray<string> ReplyContentKeys { get; } = ["text", "image", "share_post"];

    public static ImmutableArray<string> FollowUpKeys { get; } = ["after", "unless", "when", "then"];

    public static ImmutableArray<string> UnlessValues { get; } = ["customer_replied"];
}
