using System.Text.RegularExpressions;
using FlowAutomation.Binding;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;

namespace FlowAutomation.Templates;

/// <summary>
/// Reads the <c>{{ … }}</c> expressions of a template without running it and reports, each at its own position:
/// a <c>{{</c> never closed, blocks opened and never closed or closed by the wrong name, block helpers without a
/// value, unknown helpers, unknown paths, partials, and (as a warning) a path in single braces. Paths inside
/// <c>each</c> and <c>with</c> blocks are relative to the block's item and are not checked.
/// </summary>
internal static partial class TemplateScanner
{
    private static readonly string[] Roots = ["message.", "lead.", "contact.", "conversation.", "event."];

    public static void Check(string source, TemplateLocation location, DiagnosticBag diagnostics) =>
        new Scan(source, location, diagnostics).Run();

    private sealed class Scan(string source, TemplateLocation location, DiagnosticBag diagnostics)
    {
        private readonly List<int> _lineStarts = LineStarts(source);
        private readonly Stack<(string Name, int Offset)> _blocks = new();
        private int _scopedDepth;

        public void Run()
        {
            var i = 0;
            while (true)
            {
                var open = source.IndexOf("{{", i, StringComparison.Ordinal);
                CheckSingleBraces(i, open < 0 ? source.Length : open);
                if (open < 0)
                {
                    break;
                }

                var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(open), "'{{' is not closed with '}}'");
                    return;
                }

                var bodyStart = open + 2;
                while (bodyStart < close && source[bodyStart] is '{' or '~' or '&')
                {
                    bodyStart++;
                }

                var body = source[bodyStart..close].TrimEnd('~');
                var tripleOpen = source[open + 2] == '{';
                var tripleClose = close + 2 < source.Length && source[close + 2] == '}';
                if (tripleOpen != tripleClose)
                {
                    diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(open), tripleOpen
                        ? "'{{{' is closed with '}}'; use '{{' and '}}'"
                        : "'{{' is closed with '}}}'; use '{{' and '}}'");
                    return;
                }

                CheckExpression(body, bodyStart, open);
                i = close + (tripleClose ? 3 : 2);
            }

            foreach (var (name, offset) in _blocks)
            {
                diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(offset), $"the block '{{{{#{name}}}}}' is never closed; end it with '{{{{/{name}}}}}'");
            }
        }

        private void CheckExpression(string body, int bodyOffset, int openOffset)
        {
            var trimmed = body.TrimStart();
            var offset = bodyOffset + (body.Length - trimmed.Length);
            if (trimmed.Length == 0 || trimmed[0] == '!')
            {
                return;
            }

            switch (trimmed[0])
            {
                case '>':
                    diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(offset), "partials ('{{>') are not supported in chat templates");
                    return;
                case '/':
                    Close(trimmed[1..].Trim(), openOffset);
                    return;
                case '^':
                    if (trimmed[1..].Trim() is { Length: > 0 } inverted)
                    {
                        _blocks.Push((inverted, openOffset)); // {{^name}} … {{/name}}
                    }

                    return;
            }

            if (PipeOutsideQuotes(trimmed) is > 0 and var pipe)
            {
                // {{contact.name | upper}}: a filter from Liquid or Jinja templates.
                string[] parts = [trimmed[..pipe].Trim(), trimmed[(pipe + 1)..].Trim()];
                var filter = parts[1].Split([':', ' '], 2);
                var helper = filter[0] switch
                {
                    "upcase" => "upper",
                    "downcase" => "lower",
                    "strip" => "trim",
                    var name when TemplateHelpers.Inline.Contains(name) => name,
                    _ => "upper",
                };
                var argument = helper == "default" && filter.Length > 1 ? " " + filter[1].Trim() : string.Empty;
                diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(offset), $"'|' filters are not part of these templates; call a helper before the value instead, for example {{{{{helper} {parts[0]}{argument}}}}}");
                return;
            }

            var isBlock = trimmed[0] == '#';
            var tokens = Tokenize(isBlock ? trimmed[1..] : trimmed, offset + (isBlock ? 1 : 0));
            if (tokens.Count == 0)
            {
                return;
            }

            if (tokens.FirstOrDefault(t => t.Token[0] is '"' or '\'' && (t.Token.Length == 1 || t.Token[^1] != t.Token[0])) is { Token: not null } open)
            {
                var (quote, word) = (open.Token[0], Shorten(open.Token[1..]));
                diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(open.Offset), $"the quote {quote} before {word} is not closed; write {quote}{word}{quote}");
                return;
            }

            var (first, firstOffset) = tokens[0];
            if (!isBlock && first == "else")
            {
                CheckPaths(tokens.Skip(2)); // {{else}} or {{else if contact.name}}
                return;
            }

            if (isBlock)
            {
                _blocks.Push((first, openOffset));
                if (!TemplateHelpers.Block.Contains(first))
                {
                    var hint = Spelling(first, TemplateHelpers.Block) is { Length: > 0 } s ? s : "; block helpers are if, unless, each and with";
                    diagnostics.Report(DiagnosticCodes.TemplateUnknownHelper, At(firstOffset), first, hint);
                    return;
                }

                if (tokens.Count == 1)
                {
                    diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(firstOffset), $"'{{{{#{first}}}}}' needs a value, for example '{{{{#{first} contact.name}}}}'");
                    return;
                }
            }
            else if (tokens.Count > 1 || TemplateHelpers.Inline.Contains(first))
            {
                if (!TemplateHelpers.Inline.Contains(first))
                {
                    var hint = Spelling(first, TemplateHelpers.Inline) is { Length: > 0 } s ? s : "; helpers are default, upper, lower, first_word and trim";
                    diagnostics.Report(DiagnosticCodes.TemplateUnknownHelper, At(firstOffset), first, hint);
                    return;
                }
            }

            CheckPaths(tokens.Skip(isBlock || tokens.Count > 1 ? 1 : 0));
            if (isBlock && first is "each" or "with")
            {
                _scopedDepth++;
            }
        }

        private void CheckPaths(IEnumerable<(string Token, int Offset)> tokens)
        {
            if (_scopedDepth > 0)
            {
                return;
            }

            foreach (var (token, at) in tokens)
            {
                if (IsPathToken(token) && PathCatalog.TryResolve(token) is null)
                {
                    diagnostics.Report(DiagnosticCodes.TemplateUnknownPath, At(at), token, PathSpelling.DidYouMean(token, PathCatalog.Names));
                }
            }
        }

        private void Close(string name, int openOffset)
        {
            if (!_blocks.TryPop(out var block))
            {
                diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(openOffset), $"'{{{{/{name}}}}}' closes a block that was never opened");
                return;
            }

            if (block.Name != name)
            {
                diagnostics.Report(DiagnosticCodes.TemplateSyntax, At(openOffset), $"'{{{{/{name}}}}}' does not match the open block '{{{{#{block.Name}}}}}'; close it with '{{{{/{block.Name}}}}}'");
            }

            if (block.Name is "each" or "with")
            {
                _scopedDepth = Math.Max(0, _scopedDepth - 1);
            }
        }

        /// <summary>Warns about <c>{contact.name}</c> in the literal text: the customer would read it as written.</summary>
        private void CheckSingleBraces(int from, int to)
        {
            if (to - from < 3)
            {
                return;
            }

            foreach (Match m in SingleBraced().Matches(source[from..to]))
            {
                var path = m.Groups[1].Value;
                if (PathCatalog.TryResolve(path) is not null || Roots.Any(r => path.StartsWith(r, StringComparison.Ordinal)))
                {
                    diagnostics.Report(DiagnosticCodes.SingleBraces, At(from + m.Index), m.Value, path);
                }
            }
        }

        private SourceSpan At(int offset)
        {
            var line = _lineStarts.BinarySearch(offset);
            line = line >= 0 ? line : ~line - 1;
            return location.Map(line + 1, offset - _lineStarts[line] + 1);
        }
    }

    private static List<int> LineStarts(string source)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    /// <summary>The index of the first '|' that is not inside a quoted string, or -1.</summary>
    private static int PipeOutsideQuotes(string text)
    {
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            if (quote != '\0')
            {
                quote = text[i] == quote ? '\0' : quote;
            }
            else if (text[i] is '"' or '\'')
            {
                quote = text[i];
            }
            else if (text[i] == '|')
            {
                return i;
            }
        }

        return -1;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..17] + "...";

    private static string Spelling(string word, IEnumerable<string> known) => Language.Spelling.DidYouMean(word, known);

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

    [GeneratedRegex(@"(?<!\{)\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}(?!\})", RegexOptions.CultureInvariant)]
    private static partial Regex SingleBraced();
}
