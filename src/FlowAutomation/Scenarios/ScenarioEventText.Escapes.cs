using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace FlowAutomation.Scenarios;

/// <summary>Double-quoted scalars on one line, with YAML's escapes.</summary>
internal sealed partial class ScenarioEventText
{
    /// <summary>A double-quoted scalar that closes on its line; its value and what follows the closing quote.</summary>
    [MethodImpl(Hot.Options)]
    private static string? DoubleQuoted(ReadOnlySpan<char> rest, out ReadOnlySpan<char> after)
    {
        after = rest;
        var body = rest[1..];
        var end = body.IndexOfAny('"', '\\');
        if (end >= 0 && body[end] == '"')
        {
            after = body[(end + 1)..];
            return body[..end].ToString(); // no escape: the common case
        }

        var value = new StringBuilder(body.Length);
        var i = 0;
        while (i < body.Length)
        {
            var stop = body[i..].IndexOfAny('"', '\\');
            if (stop < 0)
            {
                return null; // the scalar goes on to another line
            }

            value.Append(body.Slice(i, stop));
            i += stop;
            if (body[i] == '"')
            {
                after = body[(i + 1)..];
                return value.ToString();
            }

            if (i + 1 >= body.Length || Escape(body[(i + 1)..], out var consumed) is not { } unescaped)
            {
                return null; // a line continuation, or an escape left to the parser
            }

            value.Append(unescaped);
            i += 1 + consumed;
        }

        return null;
    }

    /// <summary>The text of the escape after a backslash, and how many characters it took; null for one left to the parser.</summary>
    private static string? Escape(ReadOnlySpan<char> after, out int consumed)
    {
        consumed = 1;
        switch (after[0])
        {
            case '0': return "\0";
            case 'a': return "\a";
            case 'b': return "\b";
            case 't': return "\t";
            case 'n': return "\n";
            case 'v': return "\v";
            case 'f': return "\f";
            case 'r': return "\r";
            case 'e': return "\u001B";
            case ' ': return " ";
            case '"': return "\"";
            case '/': return "/";
            case '\\': return "\\";
            case 'N': return "\u0085";
            case '_': return "\u00A0";
            case 'L': return "\u2028";
            case 'P': return "\u2029";
            case 'x': return CodePoint(after, 2, out consumed);
            case 'u': return CodePoint(after, 4, out consumed);
            case 'U': return CodePoint(after, 8, out consumed);
            default: return null;
        }
    }

    /// <summary>A <c>\x</c>, <c>\u</c> or <c>\U</c> escape of <paramref name="digits"/> hex digits; null for a surrogate or a value past Unicode.</summary>
    private static string? CodePoint(ReadOnlySpan<char> after, int digits, out int consumed)
    {
        consumed = 1 + digits;
        if (after.Length < consumed
            || !int.TryParse(after.Slice(1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF))
        {
            return null;
        }

        return char.ConvertFromUtf32(code);
    }
}
