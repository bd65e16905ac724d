using System.Collections.Concurrent;
using FlowAutomation.Diagnostics;
using Scriban;
using Scriban.Parsing;

namespace FlowAutomation.Templates;

/// <summary>
/// Compiles a reply or <c>set</c> template when its flow is compiled, reporting every mistake at its line and column
/// in the YAML file: a short orchestrator of named passes.
/// <list type="number">
/// <item><see cref="TemplateForms"/>: what Scriban would let through or misread (Handlebars forms, a <c>{{</c> left
/// open at the end), on Scriban's tokens.</item>
/// <item>Scriban's parser; its first message (the others follow from it).</item>
/// <item><see cref="TemplateChecker"/>: the syntax tree's variables, paths and functions.</item>
/// <item><see cref="TemplateText"/>: single braces in the literal text, and the text every render contains.</item>
/// </list>
/// Returns null when the template has errors. Stateless and thread-safe.
/// </summary>
internal static class TemplateCompiler
{
    private const int MaxCached = 10_000;
    internal static readonly LexerOptions Lexing = new() { Mode = ScriptMode.Default, Lang = ScriptLang.Default };

    /// <summary>
    /// Parsed templates by their text. Flows repeat their greetings and nudges, and a parsed template is never
    /// changed (rendering only reads it), so one parse serves every flow with the same text.
    /// </summary>
    private static readonly ConcurrentDictionary<string, Template> Cache = new(StringComparer.Ordinal);

    public static MessageTemplate? Compile(string source, TemplateLocation location, DiagnosticBag diagnostics)
    {
        if (!TemplateForms.HasCode(source))
        {
            TemplateText.CheckSingleBraces(source, 0, location, diagnostics);
            return new MessageTemplate(source, location.Whole, null, source, []);
        }

        var errors = diagnostics.ErrorCount;
        var forms = TemplateForms.Check(source, Lexing, location, diagnostics);
        var parsed = Parse(forms.Checkable, clean: ReferenceEquals(forms.Checkable, source));
        if (parsed.HasErrors)
        {
            // Scriban keeps parsing after an error and reports what follows from it; the first message is the mistake.
            var first = parsed.Messages.First(m => m.Type == ParserMessageType.Error);
            var (offset, message) = forms.Explain(first.Span.Start.Offset, first.Message);
            diagnostics.Report(DiagnosticCodes.TemplateSyntax, location.At(offset), message);
            return null;
        }

        var reads = TemplateChecker.Check(parsed.Page!, source, location, diagnostics);
        TemplateText.CheckSingleBraces(parsed.Page!, location, diagnostics);
        if (diagnostics.ErrorCount > errors)
        {
            return null;
        }

        return new MessageTemplate(source, location.Whole, parsed, TemplateText.Minimum(parsed.Page!), reads);
    }

    /// <summary>Parses the text, or takes its earlier parse; only a text the forms pass left as it was is cached.</summary>
    private static Template Parse(string text, bool clean)
    {
        if (clean && Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var parsed = Template.Parse(text, lexerOptions: Lexing);
        if (clean && !parsed.HasErrors)
        {
            if (Cache.Count >= MaxCached)
            {
                Cache.Clear();
            }

            Cache[text] = parsed;
        }

        return parsed;
    }
}
