using System.Text;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using FlowAutomation.Policy;
using Scriban.Syntax;

namespace FlowAutomation.Templates;

/// <summary>The literal text of a template: what every render contains, and paths written in single braces.</summary>
internal static partial class TemplateText
{
    private static readonly string[] Roots = ["message.", "lead.", "contact.", "conversation.", "event."];

    /// <summary>
    /// The text every render of the page contains, whatever the values: literal text and literal strings printed,
    /// the shorter branch of each <c>if</c> (a missing <c>else</c> is an empty branch) and of each <c>case</c>, no turn
    /// of a loop, nothing for a value. Counted in user-perceived characters it is a lower bound on the rendered length.
    /// </summary>
    public static string Minimum(ScriptNode? node)
    {
        switch (node)
        {
            case ScriptRawStatement raw:
                return raw.Text.ToString();
            case ScriptExpressionStatement { Expression: ScriptLiteral { Value: string literal } }:
                return literal;
            case ScriptPage page:
                return Minimum(page.Body);
            case ScriptBlockStatement block:
                var text = new StringBuilder();
                foreach (var statement in block.Statements)
                {
                    text.Append(Minimum(statement));
                }

                return text.ToString();
            case ScriptIfStatement branch:
                return Shorter(Minimum(branch.Then), branch.Else is null ? string.Empty : Minimum(branch.Else));
            case ScriptElseStatement otherwise:
                return Minimum(otherwise.Body);
            case ScriptCaseStatement choice:
                return Minimum(choice.Body);
            case ScriptWhenStatement option:
                // `when` branches chain through Next; without an `else` at the end, none may match.
                return option.Next is null ? string.Empty : Shorter(Minimum(option.Body), Minimum(option.Next));
            default:
                return string.Empty;
        }
    }

    /// <summary>Warns about <c>{contact.name}</c> in the literal text of a parsed template.</summary>
    public static void CheckSingleBraces(ScriptNode node, TemplateLocation location, DiagnosticBag diagnostics)
    {
        if (node is ScriptRawStatement raw)
        {
            CheckSingleBraces(raw.Text.ToString(), raw.Span.Start.Offset, location, diagnostics);
            return;
        }

        foreach (var child in node.Children)
        {
            CheckSingleBraces(child, location, diagnostics);
        }
    }

    /// <summary>Warns about <c>{contact.name}</c> in literal text: the customer would read it as written.</summary>
    public static void CheckSingleBraces(string text, int offset, TemplateLocation location, DiagnosticBag diagnostics)
    {
        if (text.Length < 3 || !text.Contains('{', StringComparison.Ordinal))
        {
            return;
        }

        foreach (Match m in SingleBraced().Matches(text))
        {
            var path = m.Groups[1].Value;
            if (PathCatalog.TryResolve(path) is not null || Roots.Any(r => path.StartsWith(r, StringComparison.Ordinal)))
            {
                diagnostics.Report(DiagnosticCodes.SingleBraces, location.At(offset + m.Index), m.Value, path);
            }
        }
    }

    private static string Shorter(string a, string b) =>
        ContentRules.CountCharacters(a) <= ContentRules.CountCharacters(b) ? a : b;

    [GeneratedRegex(@"(?<!\{)\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}(?!\})", RegexOptions.CultureInvariant)]
    private static partial Regex SingleBraced();
}
