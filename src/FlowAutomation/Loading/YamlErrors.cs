using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using YamlDotNet.Core;

namespace FlowAutomation.Loading;

/// <summary>
/// Turns YamlDotNet's parser errors into messages a marketer can act on, at the place to fix: a tab in the
/// indentation, a quote that is never closed, text after a closing quote, ': ' inside unquoted text, a missing space
/// after a colon, a list or key that does not line up, a bracket that is never closed.
/// </summary>
internal static partial class YamlErrors
{
    /// <summary>Keys of the flow language, to tell "reply: text: …" (a key after a key) from "text: Price: 10".</summary>
    private static readonly HashSet<string> LanguageKeys =
    [
        .. FlowVocabulary.FlowKeys, .. FlowVocabulary.ActionNames, .. FlowVocabulary.ReplyKeys, .. FlowVocabulary.FollowUpKeys,
        .. FlowVocabulary.AssignKeys, .. FlowVocabulary.BusinessHoursKeys, .. FlowVocabulary.GroupKeys,
        .. FlowVocabulary.Operators.Select(o => o.Name), .. PathCatalog.All.Where(p => !p.IsFieldMap).Select(p => p.Name),
    ];

    public static (string Message, Position At) Describe(YamlException ex, string text, IReadOnlyList<(char Open, Position At)> openFlow)
    {
        var raw = Clean(ex.Message);
        var at = Clamp(ex.Start);
        var index = IndexOf(text, at);
        var here = index < text.Length ? text[index] : '\0';

        if (raw.Contains("tab", StringComparison.OrdinalIgnoreCase) || (here == '\t' && raw.Contains("cannot start any token", StringComparison.Ordinal)))
        {
            return TabIndentation(text) is { } tab
                ? ("a tab is used for indentation; indent with spaces only", tab)
                : ("a tab is used where YAML expects spaces; use spaces", at);
        }

        if (raw.Contains("quoted scalar", StringComparison.Ordinal) && (raw.Contains("end of stream", StringComparison.Ordinal) || raw.Contains("wrong indentation", StringComparison.Ordinal) || raw.Contains("document indicator", StringComparison.Ordinal)))
        {
            var quote = here is '"' or '\'' ? here : '"';
            return ($"the text that starts with {quote} here is never closed; end it with {quote}", at);
        }

        if (QuoteBefore(text, index) is { } closing && (raw.Contains("did not find expected", StringComparison.Ordinal) || raw.Contains("invalid mapping", StringComparison.Ordinal)))
        {
            var fix = closing == '\''
                ? "to write an apostrophe inside single quotes, double it ('') or quote the text with \" instead"
                : "to write \" inside double quotes, write \\\" or quote the text with ' instead";
            return ($"the text goes on after its closing {closing}; {fix}", at);
        }

        var colonInText = raw.Contains("invalid mapping", StringComparison.Ordinal) || raw.Contains("mapping values are not allowed", StringComparison.Ordinal)
            || (raw.Contains("did not find expected ',' or", StringComparison.Ordinal) && here == ':');
        if (colonInText)
        {
            var line = TextPositions.LineText(text, at.Line);
            var before = line[..Math.Min(Math.Max(0, at.Column - 1), line.Length)];
            if (IndentedKey().Match(before) is { Success: true } key)
            {
                return ($"'{key.Groups[2].Value}:' is indented further than the key above it; keys of one mapping start in the same column", at with { Column = key.Groups[1].Length + 1 });
            }

            if (KeyAfterKey().Match(before) is { Success: true } pair && LanguageKeys.Contains(pair.Groups[2].Value))
            {
                var (outer, inner) = (pair.Groups[1].Value, pair.Groups[2].Value);
                return ($"'{inner}:' cannot follow '{outer}:' on the same line; write {outer}: {{ {inner}: ... }} or put '{inner}:' on the next line, indented", at with { Column = pair.Groups[2].Index + 1 });
            }

            return ("a text that contains ': ' must be quoted, for example text: \"Opening hours: 9 to 6\"", at);
        }

        if (raw.Contains("did not find expected ',' or", StringComparison.Ordinal) && openFlow.Count > 0)
        {
            var (open, from) = openFlow[^1];
            var close = open == '{' ? '}' : ']';
            return ($"the '{open}' at line {from.Line}, column {from.Column} is not closed: expected ',' or '{close}' here", at);
        }

        if (raw.Contains("expected '-' indicator", StringComparison.Ordinal) || (raw.Contains("block mapping, did not find expected key", StringComparison.Ordinal) && here == '-'))
        {
            return ("this list item does not line up with the items above it; start every '- ' of a list in the same column", at);
        }

        if (raw.Contains("block mapping, did not find expected key", StringComparison.Ordinal))
        {
            var line = TextPositions.LineText(text, at.Line);
            var rest = line[Math.Min(at.Column - 1, line.Length)..];
            if (rest.IndexOf(": ", StringComparison.Ordinal) > 1024 || (rest.TrimEnd().EndsWith(':') && rest.Length > 1024))
            {
                return ("this key is longer than the 1024 characters YAML allows in a key", at);
            }

            if (NoSpaceAfterColon().Match(rest) is { Success: true } m)
            {
                return ($"'{m.Groups[1].Value}:{m.Groups[2].Value}' needs a space after the colon: '{m.Groups[1].Value}: {m.Groups[2].Value}'", at);
            }

            return ("this line does not line up with the keys above it; keys of one mapping start in the same column", at);
        }

        if (raw.Contains("block sequence entries are not allowed", StringComparison.Ordinal))
        {
            return ("a list item ('- ') cannot start on the same line as its key; start the list on the next line", at);
        }

        return (raw, at);
    }

    /// <summary>For exceptions YamlDotNet throws without a position: blame the innermost unclosed bracket, else the last good event.</summary>
    public static (string Message, Position At) DescribeUnexpected(string text, Mark lastEnd, IReadOnlyList<(char Open, Position At)> openFlow)
    {
        if (openFlow.Count > 0)
        {
            var (open, at) = openFlow[^1];
            return ($"the '{open}' opened here is never closed with '{(open == '{' ? '}' : ']')}'", at);
        }

        var position = lastEnd.Line < 1 ? Position.Start : Clamp(lastEnd);
        return (position == Position.Start && text.Length == 0 ? "the text cannot be read as YAML" : "the text after this point cannot be read as YAML", position);
    }

    private static Position? TabIndentation(string text)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || TextPositions.IsBreak(text[i]))
            {
                var content = text[lineStart..i];
                var indent = content.Length - content.TrimStart(' ', '\t').Length;
                var tab = content.IndexOf('\t', StringComparison.Ordinal);
                if (tab >= 0 && tab < indent && indent < content.Length)
                {
                    return new Position(line, tab + 1);
                }

                if (i < text.Length && text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                line++;
                lineStart = i + 1;
            }
        }

        return null;
    }

    /// <summary>The quote that closes a quoted value just before the error, when text follows it on the same line.</summary>
    private static char? QuoteBefore(string text, int index)
    {
        if (index >= text.Length || index == 0 || char.IsWhiteSpace(text[index]) || text[index] is ',' or '}' or ']' or '#')
        {
            return null;
        }

        var i = index - 1;
        while (i >= 0 && text[i] == ' ')
        {
            i--;
        }

        return i >= 0 && text[i] is '"' or '\'' ? text[i] : null;
    }

    private static int IndexOf(string text, Position at) =>
        Math.Min(text.Length, TextPositions.LineStart(text, at.Line) + at.Column - 1);

    private static Position Clamp(Mark mark) =>
        new((int)Math.Clamp(mark.Line, 1, int.MaxValue), (int)Math.Clamp(mark.Column, 1, int.MaxValue));

    private static string Clean(string message)
    {
        message = LocationPrefix().Replace(message, string.Empty).Trim().TrimEnd('.');
        return message.Length == 0 ? "the text cannot be read as YAML" : char.ToLowerInvariant(message[0]) + message[1..];
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", RegexOptions.CultureInvariant)]
    private static partial Regex LocationPrefix();

    [GeneratedRegex(@"^(\s*)([^\s:#'""\-][^\s:]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex IndentedKey();

    [GeneratedRegex(@"^\s*([A-Za-z_][\w.]*):([^\s/:][^\s]*)", RegexOptions.CultureInvariant)]
    private static partial Regex NoSpaceAfterColon();

    [GeneratedRegex(@"^\s*(?:-\s+)?(?:\{\s*)?([A-Za-z_][\w.]*):\s+([A-Za-z_][\w.]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyAfterKey();
}
