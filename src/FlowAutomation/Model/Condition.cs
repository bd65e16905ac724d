using System.Collections.Immutable;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;

namespace FlowAutomation.Model;

/// <summary>A condition tree node. Records compare by value, so identical conditions in different flows are equal.</summary>
public abstract record Condition
{
    /// <summary>Where the condition stands in its file; excluded from equality so that identical conditions can be shared.</summary>
    public SourceSpan Span { get; init; }

    public virtual bool Equals(Condition? other) => other is not null && other.GetType() == GetType();

    public override int GetHashCode() => GetType().GetHashCode();
}

public sealed record AllCondition(ImmutableArray<Condition> Items) : Condition
{
    public bool Equals(AllCondition? other) => other is not null && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => Items.Aggregate(17, (h, c) => HashCode.Combine(h, c));
}

public sealed record AnyCondition(ImmutableArray<Condition> Items) : Condition
{
    public bool Equals(AnyCondition? other) => other is not null && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => Items.Aggregate(19, (h, c) => HashCode.Combine(h, c));
}

public sealed record NotCondition(Condition Inner) : Condition;

/// <summary>True when the event's time falls on one of the days, between from (inclusive) and to (exclusive), in the zone.</summary>
public sealed record BusinessHoursCondition(ImmutableArray<DayOfWeek> Days, TimeOnly From, TimeOnly To, bool ToIsEndOfDay, TimeZoneInfo Zone) : Condition
{
    public bool Equals(BusinessHoursCondition? other) =>
        other is not null && Days.SequenceEqual(other.Days) && From == other.From && To == other.To
        && ToIsEndOfDay == other.ToIsEndOfDay && Zone.Id == other.Zone.Id;

    public override int GetHashCode() => HashCode.Combine(Days.Length, From, To, Zone.Id);
}

public enum TestOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Contains,
    ContainsAny,
    ContainsAll,
    NotContains,
    StartsWith,
    EndsWith,
    Matches,
    Exists,
    Gt,
    Gte,
    Lt,
    Lte,
    Has,
    HasAny,
    Lacks,
}

/// <summary>
/// <c>path: { operator: operand }</c>. Text operands are kept as written; comparison ignores case.
/// <see cref="Values"/> holds the text operand(s), <see cref="Number"/> a numeric or duration operand
/// (durations in seconds; on a text path, the number <c>gt</c>, <c>gte</c>, <c>lt</c> or <c>lte</c> compares the text
/// read as a number with), <see cref="Flag"/> a yes/no operand, <see cref="Regex"/> the compiled pattern.
/// </summary>
public sealed record TestCondition(FieldPath Path, TestOperator Operator, ImmutableArray<string> Values, double? Number, bool? Flag, Regex? Regex, bool WholeWord) : Condition
{
    /// <summary>
    /// For <c>equals</c>, <c>not_equals</c>, <c>in</c> and <c>not_in</c> on a path that reads numbers
    /// (<see cref="PathInfo.ReadsNumbers"/>): for each of <see cref="Values"/>, the number it stands for when it was
    /// written as a number (unquoted), else null. Such a value also matches a text that reads as the same number.
    /// Empty when no value is a number.
    /// </summary>
    public ImmutableArray<double?> ValueNumbers { get; init; } = [];

    public bool Equals(TestCondition? other) =>
        other is not null && Path == other.Path && Operator == other.Operator && WholeWord == other.WholeWord
        && Number == other.Number && Flag == other.Flag && Regex?.ToString() == other.Regex?.ToString()
        && Values.SequenceEqual(other.Values, StringComparer.OrdinalIgnoreCase)
        && ValueNumbers.SequenceEqual(other.ValueNumbers);

    public override int GetHashCode()
    {
        var h = HashCode.Combine(Path, Operator, WholeWord, Number, Flag, Regex?.ToString());
        foreach (var v in Values)
        {
            h = HashCode.Combine(h, StringComparer.OrdinalIgnoreCase.GetHashCode(v));
        }

        foreach (var n in ValueNumbers)
        {
            h = HashCode.Combine(h, n);
        }

        return h;
    }
}
