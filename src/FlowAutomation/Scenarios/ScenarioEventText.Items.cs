using System.Buffers;
using System.Runtime.CompilerServices;

namespace FlowAutomation.Scenarios;

/// <summary>The list's items and their scalars, read line by line.</summary>
internal sealed partial class ScenarioEventText
{
    private const string AtKey = "at";
    private const string MessageKey = "message.received";

    /// <summary>Line breaks other than "\n" and "\r\n" that YAML counts (NEL, LS, PS), and the byte order mark.</summary>
    private static readonly SearchValues<char> UnusualBreaks = SearchValues.Create("\u0085\u2028\u2029\uFEFF");

    /// <summary>What a line of the list may not hold: those, a tab, and a carriage return that is not part of "\r\n".</summary>
    private static readonly SearchValues<char> Refused = SearchValues.Create("\t\r\u0085\u2028\u2029\uFEFF");

    /// <summary>Characters a plain scalar may not start with (YAML's indicators), kept strict: such a value is left to the parser.</summary>
    private static readonly SearchValues<char> Indicators = SearchValues.Create("-?:,[]{}#&*!|>'\"%@`");

    /// <summary>Characters a plain scalar inside <c>{ … }</c> may not hold here.</summary>
    private static readonly SearchValues<char> FlowStops = SearchValues.Create(",[]{}:#\"'");

    /// <summary>
    /// Reads the items from <paramref name="start"/> (line <paramref name="line"/>) to the first line at column 1 that is
    /// not an item; returns where that line starts (or the text's end), or null when anything is not the plain shape.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private int? ReadItems(string text, int start, int line, List<ScenarioEventScan.ReadEvent> items)
    {
        var indent = -1;
        var at = start;
        while (at < text.Length)
        {
            var end = LineEnd(text, at, out var next);
            var content = text.AsSpan(at, end - at);
            if (content.ContainsAny(Refused))
            {
                return null;
            }

            var spaces = content.IndexOfAnyExcept(' ');
            if (spaces < 0)
            {
                (at, line) = (next, line + 1); // a blank line
                continue;
            }

            var isItem = content[spaces] == '-' && (spaces + 1 == content.Length || content[spaces + 1] == ' ');
            if (indent < 0 && isItem)
            {
                indent = spaces;
            }

            if (spaces == 0 && !isItem && content[0] != '#')
            {
                return indent < 0 ? null : at; // the next key of the root mapping, or a document marker, ends the list
            }

            if (spaces != indent || !isItem)
            {
                return null; // a comment line, an indentation the list does not have, the list's value on a later line
            }

            var secondStart = next;
            var secondEnd = LineEnd(text, secondStart, out next);
            if (secondStart >= text.Length || ReadItem(text, at, end, secondStart, secondEnd, spaces, line) is not { } read)
            {
                return null;
            }

            items.Add(read);
            (at, line) = (next, line + 2);
        }

        return indent < 0 ? null : text.Length;
    }

    /// <summary>An item of two lines: <c>- at: …</c> and <c>message.received: …</c> under it, in either order.</summary>
    [MethodImpl(Hot.Options)]
    private ScenarioEventScan.ReadEvent? ReadItem(string text, int first, int firstEnd, int second, int secondEnd, int indent, int line)
    {
        var item = text.AsSpan(first, firstEnd - first);
        var keyColumn = item[(indent + 1)..].IndexOfAnyExcept(' ') + indent + 1;
        var next = text.AsSpan(second, secondEnd - second);
        if (keyColumn <= indent || next.ContainsAny(Refused) || next.IndexOfAnyExcept(' ') != keyColumn)
        {
            return null;
        }

        var (firstKey, firstValue) = Entry(item[keyColumn..]);
        var (secondKey, secondValue) = Entry(next[keyColumn..]);
        if (firstValue is null || secondValue is null)
        {
            return null;
        }

        var (time, message, messageLine) = (firstKey, secondKey) switch
        {
            (AtKey, MessageKey) => (firstValue, secondValue, line + 1),
            (MessageKey, AtKey) => (secondValue, firstValue, line),
            _ => default,
        };
        if (time is null || message is null || time.Value.Text is not { } written || message.Value.Text is not { } said)
        {
            return null;
        }

        return ScenarioEventScan.Read(written, said, message.Value.Shorthand, KeySpan(messageLine, keyColumn + 1, MessageKey.Length));
    }

    /// <summary>A line's <c>key: value</c> for the two keys an item has; the value's text, and whether it was written without <c>{ text: … }</c>.</summary>
    [MethodImpl(Hot.Options)]
    private static (string? Key, (string? Text, bool Shorthand)? Value) Entry(ReadOnlySpan<char> line)
    {
        var key = line.StartsWith(AtKey + ": ", StringComparison.Ordinal) ? AtKey
            : line.StartsWith(MessageKey + ": ", StringComparison.Ordinal) ? MessageKey
            : null;
        if (key is null)
        {
            return default;
        }

        var rest = line[(key.Length + 1)..];
        var value = rest.IndexOfAnyExcept(' ');
        if (value < 0)
        {
            return default;
        }

        rest = rest[value..];
        if (key == MessageKey && rest[0] == '{')
        {
            return (key, (TextMapping(rest[1..]), false));
        }

        var scalar = Scalar(rest, inFlow: false, out var after);
        return (key, scalar is not null && IsEnd(after) ? (scalar, true) : null);
    }

    /// <summary>The inside of <c>{ text: … }</c> (after the brace), with nothing after it but a comment; null otherwise.</summary>
    [MethodImpl(Hot.Options)]
    private static string? TextMapping(ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart(' ');
        if (!rest.StartsWith("text: ", StringComparison.Ordinal))
        {
            return null;
        }

        rest = rest["text: ".Length..].TrimStart(' ');
        var value = Scalar(rest, inFlow: true, out var after);
        after = after.TrimStart(' ');
        return value is not null && after.Length > 0 && after[0] == '}' && IsEnd(after[1..]) ? value : null;
    }

    /// <summary>Whether what follows a value is only spaces, maybe with a comment after at least one of them.</summary>
    [MethodImpl(Hot.Options)]
    private static bool IsEnd(ReadOnlySpan<char> after)
    {
        var spaces = after.IndexOfAnyExcept(' ');
        return spaces < 0 || (spaces > 0 && after[spaces] == '#');
    }

    /// <summary>
    /// A one-line scalar at the start of <paramref name="rest"/> (which is not blank): double-quoted, single-quoted or
    /// plain; its value and what follows it. A plain scalar that is empty, that could be null inside braces or that holds
    /// anything YAML could read otherwise gives null.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private static string? Scalar(ReadOnlySpan<char> rest, bool inFlow, out ReadOnlySpan<char> after)
    {
        after = rest;
        if (rest.IsEmpty || Indicators.Contains(rest[0]))
        {
            return rest.IsEmpty ? null : rest[0] switch
            {
                '"' => DoubleQuoted(rest, out after),
                '\'' => SingleQuoted(rest, out after),
                _ => null,
            };
        }

        // A plain scalar ends at " #" (a comment), at the end of the line, or inside braces at '}' ',' etc.
        var length = inFlow ? rest.IndexOfAny(FlowStops) : rest.IndexOf(" #", StringComparison.Ordinal);
        length = length < 0 ? rest.Length : length;
        var plain = rest[..length].TrimEnd(' ');
        if (plain.IsEmpty || plain[^1] == ':' || plain.Contains(": ", StringComparison.Ordinal) || (inFlow && plain.Contains(" #", StringComparison.Ordinal))
            || (inFlow && plain is "~" or "null" or "Null" or "NULL"))
        {
            return null;
        }

        after = rest[plain.Length..];
        return plain.ToString();
    }

    [MethodImpl(Hot.Options)]
    private static string? SingleQuoted(ReadOnlySpan<char> rest, out ReadOnlySpan<char> after)
    {
        after = rest;
        var value = new System.Text.StringBuilder();
        var i = 1;
        while (i < rest.Length)
        {
            var quote = rest[i..].IndexOf('\'');
            if (quote < 0)
            {
                return null; // the scalar goes on to another line
            }

            value.Append(rest.Slice(i, quote));
            i += quote + 1;
            if (i < rest.Length && rest[i] == '\'')
            {
                value.Append('\'');
                i++;
                continue;
            }

            after = rest[i..];
            return value.ToString();
        }

        return null;
    }
}
