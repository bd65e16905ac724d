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
internal sealed partial class TestBinder(NodeReader reader, FieldPath path, YamlNode keyNode, EventKind? trigger)
{
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly string[] OperatorKeys = [.. FlowVocabulary.Operators.Select(o => o.Name), FlowVocabulary.WholeWordKey];

    /// <summary>Operator names from other tools that marketers reach for, and the operator that means the same.</summary>
    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.Ordinal)
    {
        ["is"] = "equals", ["eq"] = "equals", ["equal"] = "equals", ["="] = "equals", ["=="] = "equals",
        ["is_not"] = "not_equals", ["ne"] = "not_equals", ["not"] = "not_equals", ["!="] = "not_equals",
        ["one_of"] = "in", ["any_of"] = "in", ["none_of"] = "not_in",
        ["includes"] = "contains", ["include"] = "contains", ["has_word"] = "contains",
        ["regex"] = "matches", ["match"] = "matches", ["pattern"] = "matches",
        ["begins_with"] = "starts_with", ["startswith"] = "starts_with", ["endswith"] = "ends_with",
        [">"] = "gt", ["greater_than"] = "gt", [">="] = "gte", ["<"] = "lt", ["less_than"] = "lt", ["<="] = "lte",
        ["missing"] = "exists", ["present"] = "exists",
    };

    public Condition? Bind(YamlNode value)
    {
        var isSet = path.Kind == ValueKind.TagSet;
        switch (value)
        {
            case YamlScalarNode scalar:
                WarnIfOperatorAsText(scalar);
                return Build(FlowVocabulary.OperatorsByName[isSet ? "has" : "equals"], value, wholeWord: true, value, implicitOperator: true);
            case YamlSequenceNode:
                return Build(FlowVocabulary.OperatorsByName[isSet ? "has_any" : "in"], value, wholeWord: true, value, implicitOperator: true);
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
                var suggestion = Synonyms.TryGetValue(key.ToLowerInvariant(), out var synonym) ? $"; did you mean '{synonym}'?"
                    : SplitThousands(tests, key, operand) is { } whole ? $"; inside {{ }} a comma separates entries, so '{whole[..^3]},{key}' was read as two: write {whole}"
                    : Spelling.DidYouMean(key, OperatorKeys);
                reader.Report(DiagnosticCodes.UnknownOperator, keyNodeItem, NodeReader.Shorten(key), suggestion);
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
            var beside = string.Join(", ", tests.Select(t => $"'{t.Info.Name}'"));
            reader.Report(DiagnosticCodes.ConditionShape, wholeWordNode, $"'{FlowVocabulary.WholeWordKey}' applies only beside contains, contains_any, contains_all or not_contains, not beside {beside}");
            return null;
        }

        var conditions = tests.Select(t => Build(t.Info, t.Operand, wholeWord ?? true, t.At)).ToList();
        if (conditions.Exists(c => c is null))
        {
            return null;
        }

        return conditions.Count == 1 ? conditions[0] : new AllCondition([.. conditions!]) { Span = reader.Span(keyNode) };
    }

    private TestCondition? Build(OperatorInfo op, YamlNode operand, bool wholeWord, YamlNode at, bool implicitOperator = false)
    {
        if (!FlowVocabulary.Applies(op, path.Info))
        {
            var usable = string.Join(", ", FlowVocabulary.OperatorsFor(path.Info).Select(o => o.Name));
            if (path.Kind == ValueKind.Text && op.Operand == OperandShape.Ordered)
            {
                usable += "; gt, gte, lt and lte read numbers only from lead.fields.<name>, contact.fields.<name> and message.text";
            }

            reader.Report(DiagnosticCodes.OperatorNotApplicable, at, op.Name, path.Text, KindName(path.Kind), usable);
            return null;
        }

        ImmutableArray<string> values = [];
        ImmutableArray<double?> valueNumbers = [];
        double? number = null;
        bool? flag = null;
        Regex? regex = null;
        switch (op.Operand)
        {
            case OperandShape.Scalar when path.Kind == ValueKind.Number:
            case OperandShape.Ordered when path.Kind == ValueKind.Number || path.Info.ReadsNumbers:
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
                flag = Flag(op, operand, implicitOperator);
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
                var items = Texts(op, operand, implicitOperator);
                if (items.IsEmpty)
                {
                    return null;
                }

                values = [.. items.Select(i => i.Text)];
                valueNumbers = ValueNumbers(op, items);
                break;
        }

        WarnIfNeverSet(op, flag, at);
        return new TestCondition(path, op.Operator, values, number, flag, regex, op.IsKeyword && wholeWord) { Span = reader.Span(at), ValueNumbers = valueNumbers };
    }

    /// <summary>
    /// On a path that reads numbers, the values of <c>equals</c>, <c>not_equals</c>, <c>in</c> and <c>not_in</c> written
    /// as numbers (unquoted, in the invariant culture: <c>1000</c>, <c>-2.5</c>, <c>1e3</c>), each beside its text; empty
    /// when there are none. A quoted value (<c>"007"</c>) stays a text.
    /// </summary>
    private ImmutableArray<double?> ValueNumbers(OperatorInfo op, ImmutableArray<(string Text, YamlNode Node)> items)
    {
        if (!path.Info.ReadsNumbers || op.Operator is not (TestOperator.Equals or TestOperator.NotEquals or TestOperator.In or TestOperator.NotIn))
        {
            return [];
        }

        var numbers = items.Select(i => i.Node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s
            && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : (double?)null).ToImmutableArray();
        return numbers.Any(n => n is not null) ? numbers : [];
    }

    private ImmutableArray<(string Text, YamlNode Node)> Texts(OperatorInfo op, YamlNode operand, bool implicitOperator)
    {
        if (implicitOperator && operand is YamlScalarNode empty && NodeReader.IsNull(empty))
        {
            reader.Report(DiagnosticCodes.ConditionShape, operand, $"'{path.Text}' has no value to compare with; write one, or {{ exists: false }} to test that it is missing");
            return [];
        }

        // `lacks` and `not_contains` accept one value or a list; `contains` and the other scalar operators take one.
        if (op.Operand == OperandShape.Scalar && op.Operator is not (TestOperator.Lacks or TestOperator.NotContains) && operand is not YamlScalarNode)
        {
            var listForm = op.Operator switch
            {
                TestOperator.Equals => "in",
                TestOperator.NotEquals => "not_in",
                TestOperator.Contains => "contains_any",
                TestOperator.Has => "has_any",
                _ => null,
            };
            reader.Report(DiagnosticCodes.InvalidOperand, operand, op.Name, $"one value, found {NodeReader.Describe(operand)}" + (listForm is null ? string.Empty : $"; use '{listForm}' for a list"));
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

        if (path.Kind == ValueKind.TagSet && items.FirstOrDefault(i => string.IsNullOrWhiteSpace(i.Text)) is { Node: not null } blank)
        {
            reader.Report(DiagnosticCodes.InvalidOperand, blank.Node, op.Name, "a tag name, found an empty text");
            return [];
        }

        if (op.IsKeyword && items.Any(i => string.IsNullOrWhiteSpace(i.Text)))
        {
            reader.Report(DiagnosticCodes.InvalidOperand, operand, op.Name, "words that are not empty");
            return [];
        }

        return items;
    }

    private double? Number(OperatorInfo op, YamlNode operand)
    {
        if (operand is YamlScalarNode { Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
        {
            return n;
        }

        reader.Report(DiagnosticCodes.InvalidOperand, operand, op.Name, $"a number, found {NodeReader.Describe(operand)}" + PlainNumberHint(operand));
        return null;
    }

    /// <summary>
    /// What to write instead: "1,000" or "$2,000" as an operand is the number written plainly; a duration on a text path
    /// is not a number.
    /// </summary>
    private string PlainNumberHint(YamlNode operand)
    {
        if (operand is not YamlScalarNode { Value: { } text } || !text.Any(char.IsAsciiDigit))
        {
            return string.Empty;
        }

        if (path.Kind == ValueKind.Text && Durations.TryParse(text, out _))
        {
            return $"; '{path.Text}' is text read as a number, not a duration";
        }

        var plain = new string([.. text.Where(c => char.IsAsciiDigit(c) || c is '.' or '-')]);
        var onlySeparators = text.All(c => char.IsAsciiDigit(c) || c is '.' or '-' or ',' or ' ' || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.CurrencySymbol);
        return onlySeparators && plain != text && double.TryParse(plain, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
            ? $"; write it plainly: {plain}"
            : string.Empty;
    }

    /// <summary>
    /// <c>{ lt: 1,000 }</c> is read by YAML as <c>lt: 1</c> and a key <c>000</c>: when an unknown key is three digits with
    /// no value, just after a number, the number that was meant (1000); null otherwise.
    /// </summary>
    private static string? SplitThousands(List<(OperatorInfo Info, YamlNode Operand, YamlNode At)> tests, string key, YamlNode value) =>
        key.Length == 3 && key.All(char.IsAsciiDigit) && value is YamlScalarNode v && NodeReader.IsNull(v)
        && tests.Count > 0 && tests[^1].Operand is YamlScalarNode { Value: { } previous } && previous.Length > 0 && previous.All(char.IsAsciiDigit)
            ? previous + key
            : null;

    private bool? Flag(OperatorInfo op, YamlNode operand, bool implicitOperator)
    {
        if (operand is YamlScalarNode { Value: { } text } && NodeReader.TryBoolean(text) is { } flag)
        {
            return flag;
        }

        if (implicitOperator)
        {
            reader.Report(DiagnosticCodes.WrongType, operand, path.Text, "true or false", NodeReader.Describe(operand));
        }
        else
        {
            reader.Report(DiagnosticCodes.InvalidOperand, operand, op.Name, $"true or false, found {NodeReader.Describe(operand)}");
        }

        return null;
    }

    /// <summary><c>message.text: contains price</c> compares the whole text with "contains price"; say so.</summary>
    private void WarnIfOperatorAsText(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain || space <= 0)
        {
            return;
        }

        var word = text[..space];
        var rest = text[(space + 1)..].Trim();
        if (FlowVocabulary.OperatorsByName.ContainsKey(word) && rest.Length > 0)
        {
            reader.Report(DiagnosticCodes.OperatorAsText, scalar, NodeReader.Shorten(text), word, rest);
        }
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
        catch (RegexParseException ex)
        {
            reader.Report(DiagnosticCodes.InvalidRegex, operand, RegexProblem(ex));
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

    /// <summary>What is wrong with a pattern, in words, without .NET's "Invalid pattern '…' at offset n" preamble.</summary>
    private static string RegexProblem(RegexParseException ex) => ex.Error switch
    {
        RegexParseError.InsufficientClosingParentheses => "a '(' is not closed with ')'; to match a bracket itself, write \\(",
        RegexParseError.InsufficientOpeningParentheses => "a ')' has no '(' before it; to match a bracket itself, write \\)",
        RegexParseError.UnterminatedBracket => "a '[' is not closed with ']'; to match a bracket itself, write \\[",
        RegexParseError.QuantifierAfterNothing => "'*', '+', '?' or '{' follows nothing; to match the character itself, put '\\' before it",
        RegexParseError.NestedQuantifiersNotParenthesized => "two repetitions ('*', '+', '?') follow each other; to match the character itself, put '\\' before it",
        RegexParseError.UnescapedEndingBackslash => "the pattern ends with a single '\\'; write '\\\\' to match a backslash",
        RegexParseError.ReversedCharacterRange => "a range such as [z-a] runs backwards; write the lower character first",
        _ => ErrorOnly().Replace(ex.Message, string.Empty).TrimEnd('.').Trim() is { Length: > 0 } m ? char.ToLowerInvariant(m[0]) + m[1..] : "the pattern cannot be read",
    };

    internal static string KindName(ValueKind kind) => kind switch
    {
        ValueKind.Text => "text",
        ValueKind.Number => "a number",
        ValueKind.Boolean => "true or false",
        ValueKind.Duration => "a duration",
        ValueKind.TagSet => "a set of tags",
        _ => kind.ToString(),
    };

    [GeneratedRegex(@"^Invalid pattern '.*' at offset \d+\.\s*", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ErrorOnly();
}
