using FlowAutomation.Binding;
using FlowAutomation.Language;
using FlowAutomation.Model;
using Scriban.Syntax;

namespace FlowAutomation.Templates;

/// <summary>Whether a value read may leave a gap in the text, Handlebars' helpers, and the "did you mean" of names.</summary>
internal sealed partial class TemplateChecker
{
    /// <summary>Built-in functions whose result is a count or a yes/no, not the value itself.</summary>
    private static readonly string[] Measures =
        ["size", "contains", "empty", "starts_with", "ends_with", "equals_ignore_case", "is_number", "has_key", "has_value", "index_of", "any", "whitespace", "matches"];

    /// <summary>Names from other template languages and from Handlebars' helpers, with the built-in that does the same.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["upper"] = "string.upcase",
        ["uppercase"] = "string.upcase",
        ["lower"] = "string.downcase",
        ["lowercase"] = "string.downcase",
        ["trim"] = "string.strip",
        ["title"] = "string.capitalizewords",
        ["length"] = "string.size",
        ["join"] = "array.join",
        ["first_word"] = "array.first",
        ["format_date"] = "date.to_string",
        ["format_number"] = "math.format",
    };

    private static readonly string[] FunctionOrder = ["string", "array", "math", "date", "timespan", "object", "regex"];

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
        var parts = new List<string>();
        while (true)
        {
            switch (expression)
            {
                case ScriptMemberExpression member:
                    parts.Insert(0, member.Member?.Name ?? string.Empty);
                    expression = member.Target;
                    continue;
                case ScriptIndexerExpression { Index: ScriptLiteral { Value: string key } } indexer:
                    parts.Insert(0, key);
                    expression = indexer.Target;
                    continue;
                case ScriptNestedExpression nested:
                    expression = nested.Expression;
                    continue;
                case ScriptVariable { Scope: ScriptVariableScope.Global } root when FactRoots.Contains(root.Name) && parts.Count > 0:
                    return root.Name + "." + string.Join('.', parts);
                default:
                    return null;
            }
        }
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

    /// <summary>The Scriban form of one of the helpers templates had when they were Handlebars, or null.</summary>
    private string? FormerHelper(string name, ScriptNode? call, bool piped)
    {
        if (name is not ("default" or "upper" or "lower" or "trim" or "first_word") || call is null)
        {
            return null;
        }

        var arguments = call switch
        {
            ScriptFunctionCall function => function.Arguments.Select(Text).ToList(),
            ScriptNamedArgument liquid => [Text(liquid.Value)],
            _ => [],
        };
        if (piped && PipedInto(call) is { } value)
        {
            arguments.Insert(0, Text(value));
        }

        var first = arguments.Count > 0 ? arguments[0] : "contact.name";
        return name switch
        {
            "default" => $"'{{{{ {first} ?? {(arguments.Count > 1 ? arguments[1] : "\"…\"")} }}}}'",
            "upper" => $"'{{{{ {first} | string.upcase }}}}'",
            "lower" => $"'{{{{ {first} | string.downcase }}}}'",
            "trim" => $"'{{{{ {first} | string.strip }}}}'",
            _ => $"'{{{{ {first} | string.split \" \" | array.first }}}}'",
        };
    }

    /// <summary>"Did you mean" for a variable: a misspelt path or variable, or a path's last word alone (<c>name</c>).</summary>
    private string SuggestVariable(string written)
    {
        var known = PathCatalog.Names.Concat(_locals).Append("now");
        var hint = PathSpelling.DidYouMean(written, known);
        if (hint.Length > 0 || written.Contains('.', StringComparison.Ordinal))
        {
            return hint;
        }

        var ending = PathCatalog.Names.FirstOrDefault(n => n.EndsWith("." + written, StringComparison.Ordinal));
        return ending is null ? string.Empty : $"; did you mean '{ending}'?";
    }

    /// <summary>"Did you mean" for a function written without its object (<c>upcase</c>) or misspelt.</summary>
    private static string SuggestFunction(string name)
    {
        var qualified = FunctionOrder.SelectMany(o => TemplateFunctions.MembersOf(o).Select(m => (Object: o, Member: m))).ToList();
        var exact = qualified.FirstOrDefault(f => f.Member == name && TemplateFunctions.Find(f.Object + "." + f.Member) is not null);
        if (exact.Object is not null)
        {
            return $"; did you mean '{exact.Object}.{exact.Member}'?";
        }

        if (Aliases.TryGetValue(name, out var alias) || (Spelling.Nearest(name, Aliases.Keys) is { } near && Aliases.TryGetValue(near, out alias)))
        {
            return $"; did you mean '{alias}'?";
        }

        var nearest = Spelling.Nearest(name, qualified.Select(f => f.Member));
        if (nearest is not null)
        {
            var match = qualified.First(f => f.Member == nearest);
            return $"; did you mean '{match.Object}.{match.Member}'?";
        }

        return "; functions are called with their object's name, such as 'string.capitalize' or 'array.join'";
    }
}
