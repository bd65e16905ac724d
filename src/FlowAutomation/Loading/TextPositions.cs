using FlowAutomation.Diagnostics;

namespace FlowAutomation.Loading;

/// <summary>
/// Lines and columns in a text, counted the way YamlDotNet counts them in its marks: 1-based, a column per UTF-16
/// character, and a line break at "\r\n", "\r", "\n", U+0085, U+2028 or U+2029.
/// </summary>
internal static class TextPositions
{
    public static bool IsBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>The position of <paramref name="index"/>, counting from the start of the text.</summary>
    public static Position Of(string text, int index) => Advance(text, 0, Position.Start, index);

    /// <summary>The position of <paramref name="to"/>, given that <paramref name="from"/> stands at <paramref name="at"/>.</summary>
    public static Position Advance(string text, int from, Position at, int to)
    {
        var (line, column) = (at.Line, at.Column);
        to = Math.Min(to, text.Length);
        for (var i = from; i < to; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue; // "\r\n" is one break, counted at its '\n'
            }

            if (IsBreak(c))
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new Position(line, column);
    }

    /// <summary>The index where the 1-based line starts, or the text's length past the end.</summary>
    public static int LineStart(string text, int line)
    {
        var current = 1;
        for (var i = 0; i < text.Length && current < line; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }

            if (IsBreak(c))
            {
                current++;
                if (current == line)
                {
                    return i + 1;
                }
            }
        }

        return line <= 1 ? 0 : text.Length;
    }

    /// <summary>The 1-based line's text, without its break.</summary>
    public static string LineText(string text, int line)
    {
        var start = LineStart(text, line);
        var end = start;
        while (end < text.Length && !IsBreak(text[end]))
        {
            end++;
        }

        return text[start..end];
    }
}
