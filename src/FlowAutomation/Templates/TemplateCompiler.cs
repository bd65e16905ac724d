using System.Globalization;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using HandlebarsDotNet;

namespace FlowAutomation.Templates;

/// <summary>
/// Compiles reply and <c>set</c> templates with Handlebars.Net (plain text, no HTML escaping) and checks them
/// statically: syntax, helper names and variable paths, each reported at its own line and column in the YAML file.
/// Thread-safe after construction.
/// </summary>
internal sealed partial class TemplateCompiler
{
    private static readonly IReadOnlyDictionary<string, object?> ProbeData = new Dictionary<string, object?>();
    private readonly IHandlebars _handlebars;

    public TemplateCompiler()
    {
        _handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        TemplateHelpers.Register(_handlebars);
    }

    public static TemplateCompiler Shared { get; } = new();

    public MessageTemplate? Compile(string source, TemplateLocation location, DiagnosticBag diagnostics)
    {
        var errors = diagnostics.ErrorCount;
        TemplateScanner.Check(source, location, diagnostics);
        if (!source.Contains("{{", StringComparison.Ordinal))
        {
            return diagnostics.ErrorCount > errors ? null : new MessageTemplate(source, location.Whole, null);
        }

        if (diagnostics.ErrorCount > errors)
        {
            return null;
        }

        HandlebarsTemplate<object, object> compiled;
        try
        {
            compiled = _handlebars.Compile(source);
            compiled(ProbeData);
        }
        catch (Exception ex)
        {
            // Handlebars.Net reports some malformed templates with exceptions other than HandlebarsException;
            // whatever it throws, a template is the user's text and its failure is a diagnostic.
            var (message, span) = Describe(ex, source, location);
            diagnostics.Report(DiagnosticCodes.TemplateSyntax, span, message);
            return null;
        }

        return new MessageTemplate(source, location.Whole, compiled);
    }

    /// <summary>Handlebars puts the position only in its message ("Occured at: L:C", 0-based); take it out and map it.</summary>
    private static (string Message, SourceSpan Span) Describe(Exception ex, string source, TemplateLocation location)
    {
        var text = ex.Message;
        var match = OccurredAt().Match(text);
        var span = location.Whole;
        if (match.Success)
        {
            var line = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1;
            var column = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + 1;
            span = location.Map(line, column);
            text = text[..match.Index];

            // "Reached unparseable token in expression: (upper x}}": point at the expression, not where parsing gave up.
            var token = text[(text.IndexOf(": ", StringComparison.Ordinal) + 2)..].Trim();
            var at = token.Length > 0 && text.StartsWith("Reached unparseable token", StringComparison.Ordinal) ? source.IndexOf(token, StringComparison.Ordinal) : -1;
            if (at >= 0)
            {
                var before = source[..at];
                var lineOfToken = before.Count(c => c == '\n') + 1;
                span = location.Map(lineOfToken, at - (before.LastIndexOf('\n') + 1) + 1);
            }
        }

        text = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim().TrimEnd('.', ':').Trim();
        if (ex is not HandlebarsException || text.Length == 0)
        {
            text = "the template cannot be read; check its {{ }} expressions";
        }
        else if (text.StartsWith("Reached unparseable token", StringComparison.Ordinal))
        {
            text = "this expression cannot be read; check its brackets and quotes";
        }

        return (char.ToLowerInvariant(text[0]) + text[1..], span);
    }

    [GeneratedRegex(@"Occured at:\s*(\d+):(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex OccurredAt();
}
