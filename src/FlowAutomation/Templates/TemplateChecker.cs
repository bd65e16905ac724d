using System.Collections.Immutable;
using FlowAutomation.Binding;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using Scriban.Runtime;
using Scriban.Syntax;

namespace FlowAutomation.Templates;

/// <summary>
/// Walks a parsed template's syntax tree and reports, each at its own position: unknown variables and paths (FA1402),
/// unknown functions (FA1403), Handlebars' helpers (FA1405), what a template may not use or change (FA1408) and
/// calls with the wrong number of arguments (FA1409). Returns the paths the template reads (see
/// <see cref="TemplateRead"/>), for the checks that need the flow's trigger and conditions.
/// </summary>
internal sealed partial class TemplateChecker
{
    private static readonly string[] FactRoots = ["message", "lead", "contact", "conversation", "event"];
    private static readonly string[] LoopObjects = ["for", "while", "tablerow"];

    private readonly string _source;
    private readonly TemplateLocation _location;
    private readonly DiagnosticBag _diagnostics;
    private readonly HashSet<string> _locals;
    private readonly ImmutableArray<TemplateRead>.Builder _reads = ImmutableArray.CreateBuilder<TemplateRead>();
    private int _withDepth;

    private TemplateChecker(string source, TemplateLocation location, DiagnosticBag diagnostics, HashSet<string> locals)
    {
        _source = source;
        _location = location;
        _diagnostics = diagnostics;
        _locals = locals;
    }

    public static ImmutableArray<TemplateRead> Check(ScriptPage page, string source, TemplateLocation location, DiagnosticBag diagnostics)
    {
        var checker = new TemplateChecker(source, location, diagnostics, Locals(page));
        checker.Visit(page);
        return checker._reads.ToImmutable();
    }

    private void Visit(ScriptNode? node)
    {
        switch (node)
        {
            case null:
                return;
            case ScriptFunctionCall call:
                CheckCall(call.Target, call.Arguments.Count, piped: PipedInto(call) is not null, call);
                foreach (var argument in call.Arguments)
                {
                    Visit(argument);
                }

                return;
            case ScriptPipeCall pipe:
                Visit(pipe.From);
                if (pipe.To is ScriptFunctionCall)
                {
                    Visit(pipe.To);
                }
                else if (pipe.To is ScriptNamedArgument liquid)
                {
                    // `x | default: "y"`, Liquid's filter with an argument: Scriban reads a named argument.
                    CheckCall(liquid.Name, 1, piped: true, liquid);
                    Visit(liquid.Value);
                }
                else
                {
                    CheckCall(pipe.To, 0, piped: true, pipe.To);
                }

                return;
            case ScriptMemberExpression or ScriptIndexerExpression or ScriptVariable:
                CheckValue((ScriptExpression)node);
                return;
            case ScriptAssignExpression assign:
                CheckAssigned(assign.Target);
                Visit(assign.Value);
                return;
            case ScriptNamedArgument named:
                Visit(named.Value);
                return;
            case ScriptWithStatement with:
                if (Chain(with.Name).Root is not ScriptVariable { Name: var name } || !FactRoots.Contains(name))
                {
                    Visit(with.Name); // `with contact`, `with lead.fields`: an object of the facts, whose members follow
                }

                _withDepth++;
                Visit(with.Body);
                _withDepth--;
                return;
            default:
                foreach (var child in node.Children)
                {
                    Visit(child);
                }

                return;
        }
    }

    /// <summary>A value: a variable, or a path of members and literal indexes from one.</summary>
    private void CheckValue(ScriptExpression value)
    {
        var (root, parts) = Chain(value);
        if (root is ScriptVariable { Scope: not ScriptVariableScope.Global })
        {
            return; // $x, $0: the template's own
        }

        if (root is not ScriptVariable variable)
        {
            Visit(root);
            return;
        }

        var name = variable.Name;
        var at = _location.At(root.Span.Start.Offset);
        if (FactRoots.Contains(name))
        {
            CheckPath(value, name, parts, at);
        }
        else if (TemplateFunctions.IsObject(name) && parts.Count == 1)
        {
            // `{{ string.upcase }}`: a function named without a call is called with no argument.
            CheckFunction(name + "." + parts[0], 0, piped: false, at);
        }
        else if (TemplateFunctions.WhyUnavailable(name) is { } why)
        {
            _diagnostics.Report(DiagnosticCodes.TemplateNotAvailable, at, name, why);
        }
        else if (!(name == "now" || _locals.Contains(name) || TemplateFunctions.IsObject(name) || TemplateFunctions.IsValue(name)
            || (LoopObjects.Contains(name) && parts.Count > 0) || _withDepth > 0))
        {
            var written = parts.Count == 0 ? name : name + "." + string.Join('.', parts);
            _diagnostics.Report(DiagnosticCodes.TemplateUnknownPath, at, written, SuggestVariable(written));
        }
    }

    private void CheckPath(ScriptExpression value, string root, List<string> parts, SourceSpan at)
    {
        var written = parts.Count == 0 ? root : root + "." + string.Join('.', parts);
        var path = PathCatalog.TryResolve(written);
        if (path is null && parts.Count > 1 && parts[^1] == "size" && PathCatalog.TryResolve(written[..^".size".Length]) is not null)
        {
            return; // contact.tags.size: a count, never a gap
        }

        if (path is null)
        {
            var hint = parts.Count == 0
                ? $"; name a value, for example '{PathCatalog.Names.Where(n => n.StartsWith(root + ".", StringComparison.Ordinal)).OrderBy(n => n.EndsWith(".name", StringComparison.Ordinal) ? 0 : 1).First()}'"
                : PathSpelling.DidYouMean(written, PathCatalog.Names);
            _diagnostics.Report(DiagnosticCodes.TemplateUnknownPath, at, written, hint);
            return;
        }

        _reads.Add(new TemplateRead(path, written, at, NeedsFallback(value, written)));
    }

    /// <summary>A call of <paramref name="target"/> with <paramref name="arguments"/> arguments (one more when piped).</summary>
    private void CheckCall(ScriptExpression? target, int arguments, bool piped, ScriptNode? call)
    {
        var (root, parts) = Chain(target);
        if (root is ScriptVariable { Scope: not ScriptVariableScope.Global })
        {
            return;
        }

        if (root is not ScriptVariable variable)
        {
            Visit(target);
            return;
        }

        var name = variable.Name;
        var at = _location.At(root.Span.Start.Offset);
        if (call is null || (parts.Count == 0 && _locals.Contains(name)))
        {
            return; // a function the template defines itself
        }

        if (parts.Count == 0 && FormerHelper(name, call, piped) is { } equivalent)
        {
            var (written, language) = call switch
            {
                ScriptNamedArgument liquid => ($"| {name}: {Text(liquid.Value)}", "Liquid"),
                _ when piped => ("| " + Text(call), "Liquid"),
                _ => ("{{" + Text(call) + "}}", "Handlebars"),
            };
            if (call is ScriptNamedArgument { Value: { } value })
            {
                at = _location.At(Math.Max(0, _source.LastIndexOf(name, value.Span.Start.Offset, StringComparison.Ordinal)));
            }

            _diagnostics.Report(DiagnosticCodes.TemplateHandlebars, at, $"'{Shorten(written)}'", language, equivalent);
        }
        else if (parts.Count == 1 && TemplateFunctions.IsObject(name))
        {
            CheckFunction(name + "." + parts[0], arguments, piped, at);
        }
        else if (parts.Count == 0 && TemplateFunctions.WhyUnavailable(name) is { } why)
        {
            _diagnostics.Report(DiagnosticCodes.TemplateNotAvailable, at, name, why);
        }
        else if (!(parts.Count == 0 && name == "date"))
        {
            var written = parts.Count == 0 ? name : name + "." + string.Join('.', parts);
            var hint = FactRoots.Contains(name) || name == "now" ? "; a path is a value, not a function" : SuggestFunction(name);
            _diagnostics.Report(DiagnosticCodes.TemplateUnknownFunction, at, written, hint);
        }
    }

    private void CheckFunction(string qualified, int arguments, bool piped, SourceSpan at)
    {
        if (TemplateFunctions.WhyUnavailable(qualified) is { } why)
        {
            _diagnostics.Report(DiagnosticCodes.TemplateNotAvailable, at, qualified, why);
            return;
        }

        var function = TemplateFunctions.Find(qualified);
        if (function is null)
        {
            var dot = qualified.IndexOf('.', StringComparison.Ordinal);
            var member = Spelling.Nearest(qualified[(dot + 1)..], TemplateFunctions.MembersOf(qualified[..dot]));
            var hint = member is not null ? $"; did you mean '{qualified[..dot]}.{member}'?" : SuggestFunction(qualified[(dot + 1)..]);
            _diagnostics.Report(DiagnosticCodes.TemplateUnknownFunction, at, qualified, hint);
            return;
        }

        var given = arguments + (piped ? 1 : 0);
        if (function is IScriptFunctionInfo info
            && (given < info.RequiredParameterCount || (given > info.ParameterCount && info.VarParamKind == ScriptVarParamKind.None)))
        {
            var count = given == 1 ? "1 argument" : $"{given} arguments";
            _diagnostics.Report(DiagnosticCodes.TemplateArguments, at, qualified, TemplateFunctions.DescribeParameters(info), count + (piped ? " (the value before '|' is the first)" : string.Empty));
        }
    }

    /// <summary>An assignment's target: the template's own variables only, never the facts or the built-ins.</summary>
    private void CheckAssigned(ScriptExpression? target)
    {
        var (root, parts) = Chain(target);
        if (root is ScriptVariable { Scope: ScriptVariableScope.Global } variable
            && (FactRoots.Contains(variable.Name) || variable.Name == "now" || TemplateFunctions.IsObject(variable.Name) || TemplateFunctions.IsValue(variable.Name)))
        {
            var written = parts.Count == 0 ? variable.Name : variable.Name + "." + string.Join('.', parts);
            _diagnostics.Report(DiagnosticCodes.TemplateNotAvailable, _location.At(root.Span.Start.Offset), written + " = …",
                "a template cannot change the facts or the built-in functions; assign a variable of your own ({{ name = … }}), or change a contact field with a 'set' action");
            return;
        }

        if (root is not ScriptVariable)
        {
            Visit(target);
        }
    }

    private string Text(ScriptNode? node) => node is null ? string.Empty :
        _source[Math.Clamp(node.Span.Start.Offset, 0, _source.Length)..Math.Clamp(node.Span.End.Offset + 1, 0, _source.Length)];

    private static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
