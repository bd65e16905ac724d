using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// A test with its operands folded once, so that evaluating it per event folds only the value: keyword operands as
/// <see cref="TextRules.FoldKeyword"/> makes them (with whether each edge needs a word boundary), text and tag operands as
/// <see cref="TextRules.Fold(string)"/>. What the test means is <see cref="ConditionSemantics.Holds(CompiledTest, FactValue)"/>,
/// which both rule engines call: the network for the tests its signals do not answer, NRules for every test.
/// </summary>
internal sealed class CompiledTest
{
    public CompiledTest(TestCondition test)
    {
        Test = test;
        ReadsNumber = ConditionSemantics.ReadsNumber(test);
        if (IsKeyword(test.Operator))
        {
            Operands = [.. test.Values.Select(TextRules.FoldKeyword)];
            NeedLeft = [.. Operands.Select(k => TextRules.StartsWithSpacedWordChar(k))];
            NeedRight = [.. Operands.Select(k => TextRules.EndsWithSpacedWordChar(k))];
        }
        else
        {
            Operands = test.Values.IsDefault ? [] : [.. test.Values.Select(TextRules.Fold)];
            NeedLeft = NeedRight = [];
        }
    }

    public TestCondition Test { get; }

    public FieldPath Path => Test.Path;

    public TestOperator Operator => Test.Operator;

    /// <summary>The operands, folded: keywords trimmed with their whitespace runs collapsed, other texts only lower-cased.</summary>
    public ImmutableArray<string> Operands { get; }

    /// <summary>For keyword operators: whether keyword i starts with a spaced word character (so the text must not have one just before).</summary>
    public ImmutableArray<bool> NeedLeft { get; }

    /// <summary>For keyword operators: whether keyword i ends with a spaced word character (so the text must not have one just after).</summary>
    public ImmutableArray<bool> NeedRight { get; }

    /// <summary>Whether the test reads a text as a number (<see cref="ConditionSemantics.ReadsNumber"/>): then <see cref="ConditionSemantics.HoldsOnNumber"/> is its meaning.</summary>
    public bool ReadsNumber { get; }

    /// <summary>Whether the operator looks for keywords in a text (and so reads the text folded with whitespace runs collapsed).</summary>
    public bool IsKeywordTest => IsKeyword(Test.Operator);

    public static bool IsKeyword(TestOperator op) => op is TestOperator.Contains or TestOperator.ContainsAny or TestOperator.ContainsAll or TestOperator.NotContains;

    public override string ToString() => Language.ConditionFormatter.Describe(Test);
}
