using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Binding;

/// <summary>
/// Binds the test of one path: <c>path: value</c> (equals; <c>has</c> for tag sets), <c>path: [a, b]</c>
/// (in; <c>has_any</c> for tag sets) or <c>path: { operator: operand, whole_word: false }</c>. Several operators
/// in one mapping must all hold.
/// </summary>
internal sealed class TestBinder(NodeReader reader, FieldPath path, YamlNode keyNode, EventKind? trigger)
{
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly string[] OperatorKeys = [.. FlowVocabulary.Operators.Select(o => o.Name), FlowVocabulary.WholeWordKey];

    public Condition? Bind(YamlNode value)
    {
        var isSet = path.Kind == ValueKind.TagSet;
        switch (value)
        {
            case YamlScalarNode:
                return Build(FlowVocabulary.OperatorsByName[isSet ? "has" : "equals"], value, wholeWord: true, value);
            case YamlSequenceNode:
                return Build(FlowVocabulary.OperatorsByName[isSet ? "has_any" : "in"], value, wholeWord: true, value);
        }

        var map = (YamlMappingNode)value;
        bool? wholeWord = null;
        YamlNode? wholeWordNode = null;
        var tests = new List<(OperatorInfo Info, YamlNode Operand, YamlNode At)>();
        foreach (var (keyNodeItem, operand) in map.Children)
        {
            var key = (keyNodeItem as YamlScalarNode)?.Value ?? string.Empty;
            if (key == FlowVocabulary.WholeWordKey)
            {
                wholeWord = reader.Boolean(operand, key);
                wholeWordNode = keyNodeItem;
            }
            else if (FlowVocabulary.OperatorsByName.TryGetValue(key, out var info))
            {
                tests.Add((info, operand, keyNodeItem));
            }
            else
            {
                reader.Report(DiagnosticCodes.UnknownOperator, keyNodeItem, NodeReader.Shorten(key), Spelling.DidYouMean(key, OperatorKeys));
                return null;
            }
        }

        if (tests.Count == 0)
        {
            reader.Report(DiagnosticCodes.ConditionShape, map, $"'{path}' needs an operator, for example {{ equals: value }}");
            return null;
        }

        if (wholeWordNode is not null && !tests.Exists(t => t.Info.IsKeyword))
        {
            reader.Report(DiagnosticCodes.InvalidOperand, wholeWordNode, FlowVocabulary.WholeWordKey, "a keyword operator beside it (contains, contains_any, contains_all, not_contains)");
            return null;
        }

        var conditions = tests.Select(t => Build(t.Info, t.Operand, wholeWord ?? true, t.At)).ToList();
        if (conditions.Exists(c => c is null))
        {
            return null;
        }

        return conditions.Count == 1 ? conditions[0] : new AllCondition([.. conditions!]) { Span = reader.Span(keyNode) };
    }

    private TestCondition? Build(OperatorInfo op, YamlNode operand, bool wholeWord, YamlNode at)
    {
        if (!op.AppliesTo.Contains(path.Kind))
        {
            var usable = FlowVocabulary.Operators.Where(o => o.AppliesTo.Contains(path.Kind)).Select(o => o.Name);
            reader.Report(DiagnosticCodes.OperatorNotApplicable, at, op.Name, path.Text, KindName(path.Kind), string.Join(", ", usable));
            return null;
        }

        ImmutableArray<string> values = [];
        double? number = null;
        bool? flag = null;
        Regex? regex = null;
        switch (op.Operand)
        {
            case OperandShape.Scalar when path.Kind == ValueKind.Number:
            case OperandShape.Ordered when path.Kind == ValueKind.Number:
                number = Number(op, operand);
                if (number is null)
                {
                    return null;
                }

                break;
            case OperandShape.Ordered:
                if (reader.Duration(operand) is not { } duration)
                {
                    return null;
                }

                number = duration.TotalSeconds;
                break;
            case OperandShape.Scalar when path.Kind == ValueKind.Boolean:
            case OperandShape.Flag:
                flag = reader.Boolean(operand, op.Name);
                if (flag is null)
                {
                    return null;
                }

                break;
            case OperandShape.Pattern:
                regex = Pattern(operand);
                if (regex is null)
                {
                    return null;
                }

                break;
            default:
                values = Texts(op, operand);
                if (values.IsEmpty)
                {
                    return null;
                }

                break;
        }

        WarnIfNeverSet(op, flag, at);
        return new TestCondition(path, op.Operator, values, number, flag, regex, op.IsKeyword && wholeWord) { Span = reader.Span(at) };
    }

    private ImmutableArray<string> Texts(OperatorInfo op, YamlNode operand)
    {
        // `lacks` and `not_contains` accept one value or a list; `contains` and the other scalar operators take one.
        if (op.Operand == OperandShape.Scalar && op.Operator is not (TestOperator.Lacks or TestOperator.NotContains) && operand is not YamlScalarNode)
        {
            reader.Report(DiagnosticCodes.InvalidOperand, operand, op.Name, $"one value, found {NodeReader.Describe(operand)}" + (op.Operator == TestOperator.Equals ? "; use 'in' for a list" : op.Operator == TestOperator.Contains ? "; use 'contains_any' for a list" : string.Empty));
            return [];
        }

        var items = reader.TextList(operand, op.Name);
        var choices = path.Info.Choices;
        if (!choices.IsEmpty)
        {
            foreach (var (text, node) in items)
            {
                if (!choices.Contains(text, StringComparer.OrdinalIgnoreCase))
                {
                    reader.Report(DiagnosticCodes.InvalidValue, node, NodeReader.Shorten(text), path.Text, "one of " + string.Join(", ", choices));
                    return [];
                }
            }
        }

        if (op.IsKeyword && items.Any(i => string.IsNullOrWhiteSpace(i.Text)))
        {
            reader.Report(DiagnosticCodes.InvalidOperand, operand, op.Name, "words that are not empty");
            return [];
        }

        return [.. items.Select(i => i.Text)];
    }

    private double? Number(OperatorInfo op, YamlNode operand)
    {
        if (operand is YamlScalarNode { Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
        {
            return n;
        }

        reader.Report(DiagnosticCodes.InvalidOperand, operand, op.Name, $"a number, found {NodeReader.Describe(operand)}");
        return null;
    }

    private Regex? Pattern(YamlNode operand)
    {
        var text = reader.Text(operand, "matches");
        if (text is null)
        {
            return null;
        }

        try
        {
            return new Regex(text, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            reader.Report(DiagnosticCodes.InvalidRegex, operand, ex.Message.TrimEnd('.'));
            return null;
        }
    }

    private void WarnIfNeverSet(OperatorInfo op, bool? flag, YamlNode at)
    {
        var setBy = path.Info.SetBy;
        var testsAbsence = (op.Operator == TestOperator.Exists && flag == false) || op.Operator is TestOperator.NotEquals or TestOperator.NotIn or TestOperator.NotContains;
        if (trigger is { } t && !setBy.IsEmpty && !setBy.Contains(t) && !testsAbsence)
        {
            reader.Report(DiagnosticCodes.PathNotForTrigger, at, path.Text, FlowVocabulary.Triggers.First(x => x.Kind == t).Name);
        }
    }

    internal static string KindName(ValueKind kind) => kind switch
    {
        ValueKind.Text => "text",
        ValueKind.Number => "a number",
        ValueKind.Boolean => "true or false",
        ValueKind.Duration => "a duration",
        ValueKind.TagSet => "a set of tags",
        _ => kind.ToString(),
    };
}
