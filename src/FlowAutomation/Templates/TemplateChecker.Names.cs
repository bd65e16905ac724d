using FlowAutomation.Binding;
using FlowAutomation.Language;
using FlowAutomation.Model;
using Scriban.Syntax;

namespace FlowAutomation.Templates;

/// <summary>Names in a template: chains of members, pipes, the template's own variables, Handlebars' helpers, "did you mean".</summary>
internal sealed partial class TemplateChecker
{
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

    /// <summary>
    /// Splits <c>a.b["c"].d</c> into its root (<c>a</c>) and member names; an index that is not a literal ends the
    /// path there (<c>contact.tags[0]</c> is <c>contact.tags</c>) and is checked as a value itself.
    /// </summary>
    private (ScriptExpression? Root, List<string> Parts) Chain(ScriptExpression? value)
    {
        var indexes = new List<ScriptExpression>();
        var chain = Split(value, indexes);
        indexes.ForEach(Visit);
        return chain;
    }

    /// <summary>The root and member names of a chain; indexes that are not literals go to <paramref name="indexes"/>.</summary>
    private static (ScriptExpression? Root, List<string> Parts) Split(ScriptExpression? value, List<ScriptExpression>? indexes)
    {
        var parts = new List<string>();
        var node = value;
        while (true)
        {
            switch (node)
            {
                case ScriptMemberExpression member:
                    parts.Insert(0, member.Member?.Name ?? string.Empty);
                    node = member.Target;
                    continue;
                case ScriptIndexerExpression { Index: ScriptLiteral { Value: string key } } indexer:
                    parts.Insert(0, key);
                    node = indexer.Target;
                    continue;
                case ScriptIndexerExpression indexer:
                    if (indexer.Index is not null)
                    {
                        indexes?.Add(indexer.Index);
                    }

                    parts.Clear();
                    node = indexer.Target;
                    continue;
                case ScriptNestedExpression nested when parts.Count == 0:
                    node = nested.Expression;
                    continue;
                default:
                    return (node, parts);
            }
        }
    }

    /// <summary>
    /// The value a pipe passes to <paramref name="call"/> as its first argument, or null when it is not piped. Pipes
    /// nest to the right: in <c>a | f | g</c>, <c>f</c> is the left of the pipe that is the right of the pipe from <c>a</c>.
    /// </summary>
    private static ScriptExpression? PipedInto(ScriptNode call)
    {
        var node = call;
        while (node.Parent is ScriptPipeCall pipe)
        {
            if (pipe.To == node)
            {
                return pipe.From;
            }

            node = pipe;
        }

        return null;
    }

    /// <summary>The call a pipe's right side starts with: <c>f</c> in <c>a | f | g</c>.</summary>
    private static ScriptExpression? FirstCall(ScriptExpression? to) => to is ScriptPipeCall pipe ? FirstCall(pipe.From) : to;

    /// <summary>The names the template gives values to itself: assignments, loop variables, functions and their parameters, captures.</summary>
    private static HashSet<string> Locals(ScriptNode page)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<ScriptNode>([page]);
        while (pending.TryPop(out var node))
        {
            var named = node switch
            {
                ScriptAssignExpression { Target: ScriptVariable v } => v,
                ScriptForStatement { Variable: ScriptVariable v } => v,
                ScriptFunction { NameOrDoToken: ScriptVariable v } => v,
                ScriptParameter p => p.Name,
                ScriptCaptureStatement { Target: ScriptVariable v } => v,
                _ => null,
            };
            if (named is not null)
            {
                names.Add(named.Name);
            }

            foreach (var child in node.Children)
            {
                pending.Push(child);
            }
        }

        return names;
    }

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
