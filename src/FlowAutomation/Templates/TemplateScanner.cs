using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;

namespace FlowAutomation.Templates;

/// <summary>
/// Reads the <c>{{ … }}</c> expressions of a template without running it: reports unknown helpers,
/// unknown paths and partials, each at its own position. Paths inside <c>each</c> and <c>with</c> blocks
/// are relative to the block's item and are not checked.
/// </summary>
internal static class TemplateScanner
{
    public static void Check(string source, TemplateLocation location, DiagnosticBag diagnostics)
    {
        var line = 1;
        var column = 1;
        var scopedDepth = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '{' && i + 1 < source.Length && source[i + 1] == '{')
            {
                var open = i;
                var end = source.IndexOf("}}", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    return; // Handlebars reports the unclosed expression with its own position.
                }

                var bodyStart = i + 2;
                while (bodyStart < end && source[bodyStart] is '{' or '~' or '&')
                {
                    bodyStart++;
                }

                var body = source[bodyStart..end].TrimEnd('}', '~');
                CheckExpression(body, location.Map(line, column + (bodyStart - open)), ref scopedDepth, diagnostics);
                for (; i < end + 1; i++)
                {
                    Advance(source[i], ref line, ref column);
                }

                Advance(source[i], ref line, ref column);
                continue;
            }

            Advance(source[i], ref line, ref column);
        }
    }

    private static void Advance(char c, ref int line, ref int column)
    {
        if (c == '\n')
        {
            line++;
            column = 1;
        }
        else
        {
            column++;
        }
    }

    private static void CheckExpression(string body, SourceSpan at, ref int scopedDepth, DiagnosticBag diagnostics)
    {
        var trimmed = body.TrimStart();
        var lead = body.Length - trimmed.Length;
        at = Shift(at, lead);
        if (trimmed.Length == 0 || trimmed[0] == '!')
        {
            return;
        }

        if (trimmed[0] == '>')
        {
            diagnostics.Report(DiagnosticCodes.TemplateSyntax, at, "partials ('{{>') are not supported in chat templates");
            return;
        }

        if (trimmed[0] is '/' or '^')
        {
            var closing = trimmed[1..].Trim();
            if (trimmed[0] == '/' && closing is "each" or "with")
            {
                scopedDepth = Math.Max(0, scopedDepth - 1);
            }

            return;
        }

        var isBlock = trimmed[0] == '#';
        var tokens = Tokenize(isBlock ? trimmed[1..] : trimmed, isBlock ? 1 : 0);
        if (tokens.Count == 0)
        {
            return;
        }

        var (first, firstOffset) = tokens[0];
        var argumentsFrom = 0;
        if (isBlock)
        {
            if (!TemplateHelpers.Block.Contains(first))
            {
                diagnostics.Report(DiagnosticCodes.TemplateUnknownHelper, Shift(at, firstOffset), first, Suggest(first, TemplateHelpers.Block));
                return;
            }

            argumentsFrom = 1;
        }
        else if (tokens.Count > 1 || TemplateHelpers.Inline.Contains(first))
        {
            if (!TemplateHelpers.Inline.Contains(first))
            {
                diagnostics.Report(DiagnosticCodes.TemplateUnknownHelper, Shift(at, firstOffset), first, Suggest(first, TemplateHelpers.Inline));
                return;
            }

            argumentsFrom = 1;
        }
        else if (first == "else")
        {
            return;
        }

        if (scopedDepth == 0)
        {
            for (var t = argumentsFrom; t < tokens.Count; t++)
            {
                var (token, offset) = tokens[t];
                if (IsPathToken(token) && PathCatalog.TryResolve(token) is null)
                {
                    diagnostics.Report(DiagnosticCodes.TemplateUnknownPath, Shift(at, offset), token, Suggest(token, PathCatalog.Names));
                }
            }
        }

        if (isBlock && first is "each" or "with")
        {
            scopedDepth++;
        }
    }

    private static string Suggest(string word, IEnumerable<string> known) => Spelling.DidYouMean(word, known);

    private static SourceSpan Shift(SourceSpan span, int by) =>
        span with { Start = span.Start with { Column = span.Start.Column + by }, End = span.Start with { Column = span.Start.Column + by } };

    private static bool IsPathToken(string token) =>
        token.Length > 0 && (char.IsAsciiLetter(token[0]) || token[0] == '_')
        && token is not ("this" or "true" or "false" or "null" or "undefined")
        && !token.Contains('=', StringComparison.Ordinal);

    /// <summary>Splits an expression into tokens with their offsets, keeping quoted strings and parenthesised sub-expressions whole.</summary>
    private static List<(string Token, int Offset)> Tokenize(string text, int baseOffset)
    {
        var tokens = new List<(string, int)>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            if (text[i] is '"' or '\'')
            {
                var quote = text[i++];
                while (i < text.Length && text[i] != quote)
                {
                    i++;
                }

                i = Math.Min(i + 1, text.Length);
                tokens.Add((text[start..i], baseOffset + start));
                continue;
            }

            var depth = 0;
            while (i < text.Length && (depth > 0 || !char.IsWhiteSpace(text[i])))
            {
                depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
                i++;
            }

            tokens.Add((text[start..i], baseOffset + start));
        }

        return tokens;
    }
}
