using FlowAutomation.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Loading;

/// <summary>
/// Maps each character of a scalar's value back to where it stands in the file, whatever the scalar's style:
/// quoted (escapes such as <c>\"</c>, <c>''</c> and <c>\u2764</c> are longer in the file than in the value), folded
/// over several lines, or a block scalar (<c>|</c>, <c>&gt;</c>) whose text starts on the line after its header.
/// Non-blank characters of the value and units of the file's text correspond one to one; a blank maps to where the
/// next unit stands. The map is computed on first use: most templates never report anything.
/// </summary>
internal sealed class ScalarSourceMap(YamlSource source, YamlScalarNode node)
{
    private readonly string _value = node.Value ?? string.Empty;
    private Position[]? _positions;

    private Position[] Positions => _positions ??= Compute(source, node);

    public static ScalarSourceMap Build(YamlSource source, YamlScalarNode node) => new(source, node);

    private static Position[] Compute(YamlSource source, YamlScalarNode node)
    {
        var value = node.Value ?? string.Empty;
        var text = source.Text;
        var start = (int)Math.Clamp(node.Start.Index, 0, text.Length);
        var end = (int)Math.Clamp(node.End.Index, start, text.Length);
        var startAt = new Position((int)node.Start.Line, (int)node.Start.Column);

        var from = start;
        if (node.Style is ScalarStyle.Literal or ScalarStyle.Folded)
        {
            // The header line (`|-`, `>2`, maybe a comment) holds no text of the value.
            while (from < end && !TextPositions.IsBreak(text[from]))
            {
                from++;
            }
        }
        else if (node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
        {
            from = Math.Min(from + 1, end);
        }

        // Each non-blank character of the value comes from one unit of the file's text: a character, or an escape
        // such as \" or '' in a quoted scalar. Blanks (indentation, folded line breaks) are skipped on both sides.
        var indices = new int[value.Length + 1];
        var j = from;
        var last = from - 1;
        var pairFromEscape = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsWhiteSpace(value[i]))
            {
                indices[i] = Math.Min(j, end);
                continue;
            }

            if (pairFromEscape && char.IsLowSurrogate(value[i]))
            {
                indices[i] = last; // \U0001F600 yields two UTF-16 characters
                pairFromEscape = false;
                continue;
            }

            var (produced, length) = (' ', 1);
            while (j < end && char.IsWhiteSpace(produced = Unit(text, j, end, node.Style, out length)))
            {
                j += length;
            }

            if (j >= end)
            {
                indices[i] = Math.Min(last + 1, end);
                continue;
            }

            indices[i] = last = j;
            pairFromEscape = length > 1 && char.IsHighSurrogate(produced);
            j += length;
        }

        indices[value.Length] = value.Length == 0 ? from : Math.Min(last + 1, end);
        var positions = new Position[indices.Length];
        var (at, atIndex) = (startAt, start);
        for (var i = 0; i < indices.Length; i++)
        {
            // Indices only grow (blanks may repeat one), so each position advances from the one before.
            var target = Math.Max(indices[i], atIndex);
            at = TextPositions.Advance(text, atIndex, at, target);
            atIndex = target;
            positions[i] = at;
        }

        return positions;
    }

    /// <summary>Where the value's character at the 1-based line and column of the value stands in the file.</summary>
    public Position Map(int line, int column)
    {
        var offset = 0;
        for (var l = 1; l < line && offset < _value.Length; l++)
        {
            var nl = _value.IndexOf('\n', offset);
            offset = nl < 0 ? _value.Length : nl + 1;
        }

        return Positions[Math.Clamp(offset + column - 1, 0, _value.Length)];
    }

    /// <summary>Where the value's character at <paramref name="offset"/> stands in the file.</summary>
    public Position MapOffset(int offset) => Positions[Math.Clamp(offset, 0, _value.Length)];

    /// <summary>The value character one unit of the file's text yields, and the unit's length.</summary>
    private static char Unit(string text, int at, int end, ScalarStyle style, out int length)
    {
        length = 1;
        var c = text[at];
        if (style == ScalarStyle.DoubleQuoted && c == '\\' && at + 1 < end)
        {
            (var produced, length) = Escape(text, at, end);
            return produced;
        }

        if (style == ScalarStyle.SingleQuoted && c == '\'' && at + 1 < end && text[at + 1] == '\'')
        {
            length = 2;
        }

        return c;
    }

    /// <summary>The character a double-quoted escape stands for, and how long it is in the file.</summary>
    private static (char Produced, int Length) Escape(string text, int at, int end)
    {
        var e = text[at + 1];
        var hex = e switch { 'x' => 2, 'u' => 4, 'U' => 8, _ => 0 };
        if (hex > 0)
        {
            var digits = text.AsSpan(at + 2, Math.Min(hex, end - at - 2));
            var ok = int.TryParse(digits, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code);
            var produced = ok && code is >= 0 and < 0x110000 ? (code < 0x10000 ? (char)code : char.ConvertFromUtf32(code)[0]) : '\uFFFD';
            return (produced, 2 + digits.Length);
        }

        return (e switch
        {
            '0' => '\0',
            'a' => '\a',
            'b' => '\b',
            't' or '\t' => '\t',
            'n' => '\n',
            'v' => '\v',
            'f' => '\f',
            'r' => '\r',
            'e' => '\u001B',
            'N' => '\u0085',
            '_' => '\u00A0',
            'L' => '\u2028',
            'P' => '\u2029',
            _ => e, // \" \\ \/ and a space stand for themselves; a line break after '\' joins lines
        }, 2);
    }
}
