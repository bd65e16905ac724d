using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using Scriban.Parsing;

namespace FlowAutomation.Templates;

/// <summary>
/// Reads a template's code sections (<c>{{ … }}</c>) with Scriban's lexer, before parsing, for what Scriban would
/// let through or misread:
/// <list type="bullet">
/// <item>Handlebars forms (<c>{{#if x}}</c>, <c>{{/if}}</c>, <c>{{#each}}</c>, <c>{{^x}}</c>, <c>{{! note}}</c>,
/// <c>{{> partial}}</c>, <c>{{{x}}}</c>): Scriban reads <c>{{#if x}}</c> as a comment and prints the block's text
/// whatever <c>x</c> is. Each is an error naming the Scriban equivalent (FA1405).</item>
/// <item>A <c>{{</c> left open at the end of the text, which Scriban accepts and prints as text (FA1401).</item>
/// </list>
/// What it reports is blanked out of <see cref="Result.Checkable"/> (offsets kept), so that the parser and the checker
/// still report every other mistake, without repeating these. When Scriban says that "the end statement was not
/// found", it finds the block left open, to point at it instead of the end of the text.
/// </summary>
internal static partial class TemplateForms
{
    private static readonly string[] HandlebarsBlocks = ["if", "unless", "each", "with"];
    private static readonly string[] ScribanBlocks = ["if", "for", "while", "case", "capture", "with", "func", "wrap", "tablerow"];

    /// <summary>Whether the text holds template code at all; a text without is a literal.</summary>
    public static bool HasCode(string source) =>
        source.Contains("{{", StringComparison.Ordinal) || source.Contains("{%{", StringComparison.Ordinal);

    public static Result Check(string source, LexerOptions options, TemplateLocation location, DiagnosticBag diagnostics)
    {
        // Most templates hold none of these forms: a cheap look at the text spares them the lexer's pass.
        if (!MayHoldForms(source))
        {
            return new Result(source, source, options);
        }

        var scan = new Scan(source, location, diagnostics);
        var enter = -1;
        foreach (var token in new Lexer(source, null, options))
        {
            if (token.Type == TokenType.CodeEnter)
            {
                enter = token.Start.Offset;
            }
            else if (token.Type == TokenType.CodeExit && enter >= 0)
            {
                scan.Section(enter, token.End.Offset + 1, token.Start.Offset);
                enter = -1;
            }
        }

        if (enter >= 0)
        {
            scan.Unclosed(enter);
        }

        return new Result(scan.Checkable(), source, options);
    }

    /// <summary>
    /// Whether the text may hold what the lexer's pass looks for: a code section opening with <c>#</c>, <c>/</c>,
    /// <c>^</c>, <c>!</c>, <c>&gt;</c> or <c>{</c>, a <c>{{</c> after the last <c>}}</c>, or an odd number of quotes in
    /// a code section.
    /// </summary>
    private static bool MayHoldForms(string source)
    {
        if (HandlebarsOpening().IsMatch(source) || source.LastIndexOf("{{", StringComparison.Ordinal) > source.LastIndexOf("}}", StringComparison.Ordinal))
        {
            return true;
        }

        // A quote left open inside {{ … }} runs the code to the end of the text.
        for (var open = source.IndexOf("{{", StringComparison.Ordinal); open >= 0; open = source.IndexOf("{{", open + 2, StringComparison.Ordinal))
        {
            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            var code = source.AsSpan(open + 2, (close < 0 ? source.Length : close) - open - 2);
            if (code.Count('\'') % 2 != 0 || code.Count('"') % 2 != 0 || code.Count('`') % 2 != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The innermost block (<c>if</c>, <c>for</c>, …) never closed with <c>end</c>, and where its keyword stands.</summary>
    private static (string? Keyword, int Offset) OpenBlock(string source, LexerOptions options)
    {
        var blocks = new Stack<(string Keyword, int Offset)>();
        var atStatement = false;
        foreach (var token in new Lexer(source, null, options))
        {
            if (token.Type is TokenType.CodeEnter or TokenType.NewLine or TokenType.SemiColon)
            {
                atStatement = true;
                continue;
            }

            if (token.Type == TokenType.Identifier && atStatement)
            {
                var word = source.Substring(token.Start.Offset, token.End.Offset - token.Start.Offset + 1);
                if (ScribanBlocks.Contains(word))
                {
                    blocks.Push((word, token.Start.Offset));
                }
                else if (word == "end")
                {
                    blocks.TryPop(out _);
                }
            }

            atStatement = false;
        }

        return blocks.Count > 0 ? blocks.Peek() : (null, 0);
    }

    /// <summary>The template with the reported forms blanked out (the source itself when there were none).</summary>
    public sealed class Result(string checkable, string source, LexerOptions options)
    {
        public string Checkable => checkable;

        /// <summary>Scriban's parse error at <paramref name="offset"/> as a marketer reads it, and where it points.</summary>
        public (int Offset, string Message) Explain(int offset, string message)
        {
            if (message.Contains("<end> statement was not found", StringComparison.Ordinal) && OpenBlock(source, options) is ({ } keyword, var at))
            {
                return (at, $"'{{{{ {keyword} … }}}}' is never closed; end it with '{{{{ end }}}}'");
            }

            if (message.Contains("<end> statement without a corresponding beginning", StringComparison.Ordinal))
            {
                return (offset, "'{{ end }}' closes no block; remove it, or open the block it should close ('{{ if … }}', '{{ for … }}')");
            }

            var text = message.Trim().TrimEnd('.');
            return (offset, text.Length == 0 ? "the template cannot be read" : char.ToLowerInvariant(text[0]) + text[1..]);
        }
    }

    private sealed class Scan(string source, TemplateLocation location, DiagnosticBag diagnostics)
    {
        private readonly Stack<string> _handlebars = new();
        private char[]? _blanked;

        /// <summary>One code section from <paramref name="start"/> (its <c>{{</c>) to <paramref name="end"/> (after its <c>}}</c>).</summary>
        public void Section(int start, int end, int exit)
        {
            var codeStart = start + 2;
            var inner = source[codeStart..exit].Trim().Trim('~', '-').Trim();
            var written = Shorten(source[start..end]);
            switch (inner)
            {
                case ['#', ..] when Word(inner, 1) is { } block && HandlebarsBlocks.Contains(block):
                    var value = inner[(1 + block.Length)..].Trim() is { Length: > 0 } v ? v : "contact.name";
                    _handlebars.Push(block);
                    Report(start, end, written, block switch
                    {
                        "if" => $"'{{{{ if {value} }}}}' … '{{{{ else }}}}' … '{{{{ end }}}}'",
                        "unless" => $"'{{{{ if !{value} }}}}' … '{{{{ end }}}}'",
                        "each" => $"'{{{{ for item in {value} }}}}' … '{{{{ item }}}}' … '{{{{ end }}}}'",
                        _ => $"'{{{{ with {value} }}}}' … '{{{{ end }}}}'",
                    });
                    return;
                case ['/', ..]:
                    if (!_handlebars.TryPop(out _))
                    {
                        Report(start, end, written, "'{{ end }}'");
                    }
                    else
                    {
                        Blank(start, end);
                    }

                    return;
                case "else" or ['e', 'l', 's', 'e', ' ', ..] or "^" when _handlebars.Count > 0:
                case "this" or ['@', ..] or ['.', '.', '/', ..] or ['t', 'h', 'i', 's', '.', ..] when _handlebars.Count > 0:
                    Blank(start, end); // part of a Handlebars block already reported
                    return;
                case ['^', ..]:
                    _handlebars.Push("^");
                    Report(start, end, written, $"'{{{{ if !{inner[1..].Trim()} }}}}' … '{{{{ end }}}}'");
                    return;
                case ['!', ..]:
                    Report(start, end, written, $"'{{{{ # {inner.TrimStart('!').Trim('-').Trim()} }}}}' (a comment)");
                    return;
                case ['>', ..]:
                    Report(start, end, written, "the text itself: a template cannot include another template");
                    return;
                case ['{', .., '}']:
                    Report(start, end, written, $"'{{{{ {inner[1..^1].Trim()} }}}}' (nothing is escaped)");
                    return;
            }
        }

        /// <summary>
        /// A code section that runs to the end of the text: an unclosed quote inside it, a Handlebars <c>{{{x}}}</c>
        /// whose braces Scriban reads as an object, or a <c>{{</c> never closed.
        /// </summary>
        public void Unclosed(int start)
        {
            var close = source.IndexOf("}}", start, StringComparison.Ordinal);
            if (source.AsSpan(start).StartsWith("{{{") && close > start)
            {
                var end = Math.Min(source.Length, close + (close + 2 < source.Length && source[close + 2] == '}' ? 3 : 2));
                Report(start, end, Shorten(source[start..end]), $"'{{{{ {source[(start + 3)..close].Trim('}', ' ')} }}}}' (nothing is escaped)");
                return; // what follows is read again by the parser
            }

            var quote = UnclosedQuote(start + 2);
            var message = quote < 0
                ? "'{{' is not closed with '}}'"
                : $"the quote {source[quote]} before '{Shorten(source[(quote + 1)..].Split('\n')[0])}' is not closed";
            diagnostics.Report(DiagnosticCodes.TemplateSyntax, location.At(quote < 0 ? start : quote), message);
            Blank(start, source.Length);
        }

        /// <summary>Where a quote opens that is never closed in the code from <paramref name="from"/> on, or -1.</summary>
        private int UnclosedQuote(int from)
        {
            var open = -1;
            for (var i = from; i < source.Length; i++)
            {
                if (open >= 0 && source[i] == '\\' && source[open] == '"')
                {
                    i++;
                }
                else if (open >= 0 ? source[i] == source[open] : source[i] is '"' or '\'' or '`')
                {
                    open = open >= 0 ? -1 : i;
                }
            }

            return open;
        }

        public void Blank(int start, int end)
        {
            _blanked ??= source.ToCharArray();
            for (var i = start; i < end; i++)
            {
                if (_blanked[i] is not ('\n' or '\r'))
                {
                    _blanked[i] = ' ';
                }
            }
        }

        public string Checkable() => _blanked is null ? source : new string(_blanked);

        private void Report(int start, int end, string written, string equivalent)
        {
            diagnostics.Report(DiagnosticCodes.TemplateHandlebars, location.At(start), $"'{written}'", "Handlebars", equivalent);
            Blank(start, end);
        }

        private static string? Word(string text, int from)
        {
            var end = from;
            while (end < text.Length && char.IsAsciiLetter(text[end]))
            {
                end++;
            }

            return end > from && (end == text.Length || !char.IsAsciiLetterOrDigit(text[end])) ? text[from..end] : null;
        }

        private static string Shorten(string text)
        {
            text = text.ReplaceLineEndings(" ");
            return text.Length <= 60 ? text : text[..57] + "...";
        }
    }

    [GeneratedRegex(@"\{\{[~-]?\s*[#/^!>{]", RegexOptions.CultureInvariant)]
    private static partial Regex HandlebarsOpening();
}
