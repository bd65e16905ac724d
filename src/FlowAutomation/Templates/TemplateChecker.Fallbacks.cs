using Scriban.Syntax;

namespace FlowAutomation.Templates;

/// <summary>Whether a value read may leave a gap in the text: fallbacks, and the <c>if</c>s that test a value.</summary>
internal sealed partial class TemplateChecker
{
    /// <summary>Built-in functions whose result is a count or a yes/no, not the value itself.</summary>
    private static readonly string[] Measures =
        ["size", "contains", "empty", "starts_with", "ends_with", "equals_ignore_case", "is_number", "has_key", "has_value", "index_of", "any", "whitespace", "matches"];

    private enum Test
    {
        None,

        /// <summary>True only when the value is there.</summary>
        Present,

        /// <summary>True only when the value is missing.</summary>
        Missing,
    }

    /// <summary>
    /// True when the value read at <paramref name="value"/> goes into the text as it is: it is printed (or joined
    /// into printed text, or passed through functions into it) with no fallback (<c>?? "…"</c> that is not blank,
    /// <c>object.default</c>) and not inside an <c>if</c> (or <c>? :</c>) that tests it. A value that is tested,
    /// compared, counted or assigned to a variable leaves no gap by itself.
    /// </summary>
    private static bool NeedsFallback(ScriptExpression value, string path)
    {
        ScriptNode node = value, child = value;
        while (node.Parent is { } parent)
        {
            switch (parent)
            {
                case ScriptBinaryExpression { Operator: ScriptBinaryOperator.EmptyCoalescing } b:
                    if (node == b.Left)
                    {
                        return IsBlank(b.Right);
                    }

                    break; // the value is itself the fallback of another
                case ScriptBinaryExpression { Operator: ScriptBinaryOperator.Add }:
                    break; // "Hi " + contact.name
                case ScriptBinaryExpression or ScriptUnaryExpression or ScriptIfStatement or ScriptWhileStatement
                    or ScriptCaseStatement or ScriptWhenStatement or ScriptAssignExpression:
                    return false;
                case ScriptForStatement loop when node == loop.Iterator:
                    return false;
                case ScriptConditionalExpression c:
                    if (node == c.Condition || (node == c.ThenValue && Tests(c.Condition, path) == Test.Present)
                        || (node == c.ElseValue && Tests(c.Condition, path) == Test.Missing))
                    {
                        return false;
                    }

                    break;
                case ScriptPipeCall pipe when node == pipe.From && FirstCall(pipe.To) is ScriptFunctionCall to && IsDefault(to.Target) && to.Arguments.Count > 0 && !IsBlank(to.Arguments[0]):
                    return false;
                case ScriptFunctionCall call when IsDefault(call.Target) && call.Arguments.Count > 1 && child == call.Arguments[0] && !IsBlank(call.Arguments[1]):
                    return false;
                case ScriptFunctionCall call when call.Target is ScriptMemberExpression { Member.Name: var name } && Measures.Contains(name):
                    return false; // string.size, array.contains: a number or yes/no, never a gap
                case ScriptPipeCall pipe when node == pipe.From && FirstCall(pipe.To) is ScriptFunctionCall { Target: ScriptMemberExpression { Member.Name: var name } } && Measures.Contains(name):
                    return false;
                case ScriptExpressionStatement statement:
                    return !TestedAround(statement, path);
            }

            child = node;
            node = parent;
        }

        return false;
    }

    /// <summary>Whether the statement stands in a branch that runs only when the value is there.</summary>
    private static bool TestedAround(ScriptNode statement, string path)
    {
        ScriptNode node = statement;
        while (node.Parent is { } parent)
        {
            if (parent is ScriptIfStatement branch
                && ((node == branch.Then && Tests(branch.Condition, path) == Test.Present)
                    || (node == branch.Else && Tests(branch.Condition, path) == Test.Missing)))
            {
                return true;
            }

            node = parent;
        }

        return false;
    }

    /// <summary>What a condition being true says about the value: there, missing, or nothing.</summary>
    private static Test Tests(ScriptExpression? condition, string path)
    {
        switch (condition)
        {
            case ScriptNestedExpression nested:
                return Tests(nested.Expression, path);
            case ScriptIsEmptyExpression empty:
                return PathOf(empty.Target) == path ? Test.Missing : Test.None;
            case ScriptMemberExpression or ScriptIndexerExpression:
                return PathOf(condition) == path ? Test.Present : Test.None;
            case ScriptUnaryExpression { Operator: ScriptUnaryOperator.Not } not:
                return Tests(not.Right, path) switch { Test.Present => Test.Missing, Test.Missing => Test.Present, _ => Test.None };
            case ScriptBinaryExpression { Operator: ScriptBinaryOperator.And } and:
                return Tests(and.Left, path) == Test.Present || Tests(and.Right, path) == Test.Present ? Test.Present : Test.None;
            case ScriptBinaryExpression { Operator: ScriptBinaryOperator.Or } or:
                return Tests(or.Left, path) == Test.Present && Tests(or.Right, path) == Test.Present ? Test.Present : Test.None;
            case ScriptBinaryExpression compare when PathOf(compare.Left) == path || PathOf(compare.Right) == path:
                var other = PathOf(compare.Left) == path ? compare.Right : compare.Left;
                return compare.Operator switch
                {
                    ScriptBinaryOperator.CompareEqual => IsBlank(other) ? Test.Missing : Test.Present,
                    ScriptBinaryOperator.CompareNotEqual => IsBlank(other) ? Test.Present : Test.None,
                    ScriptBinaryOperator.CompareLess or ScriptBinaryOperator.CompareLessOrEqual or ScriptBinaryOperator.CompareGreater
                        or ScriptBinaryOperator.CompareGreaterOrEqual => Test.Present,
                    _ => Test.None,
                };
            default:
                return Test.None;
        }
    }

    /// <summary>The path a member chain from a fact root names (<c>contact.name</c>), or null.</summary>
    private static string? PathOf(ScriptExpression? expression)
    {
        var (root, parts) = Split(expression, null);
        return root is ScriptVariable { Scope: ScriptVariableScope.Global } variable && FactRoots.Contains(variable.Name) && parts.Count > 0
            ? variable.Name + "." + string.Join('.', parts)
            : null;
    }

    /// <summary>null, an empty or blank text, <c>empty</c>, <c>blank</c>: a fallback that still leaves a gap.</summary>
    private static bool IsBlank(ScriptExpression? expression) => expression switch
    {
        ScriptLiteral { Value: null } => true,
        ScriptLiteral { Value: string s } => string.IsNullOrWhiteSpace(s),
        ScriptVariable { Scope: ScriptVariableScope.Global, Name: "empty" or "blank" } => true,
        ScriptNestedExpression nested => IsBlank(nested.Expression),
        _ => false,
    };

    private static bool IsDefault(ScriptExpression? target) =>
        target is ScriptMemberExpression { Target: ScriptVariable { Name: "object" }, Member.Name: "default" };
}
