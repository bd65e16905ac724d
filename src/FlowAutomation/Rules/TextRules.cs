using System.Buffers;
using System.Globalization;
using System.Text;

namespace FlowAutomation.Rules;

/// <summary>
/// The text semantics of conditions, in one place (docs/rule-network.md states them in prose).
/// <list type="bullet">
/// <item>Case: both sides are lower-cased with the invariant culture (simple Unicode case mapping, length-preserving;
/// exactly what <see cref="string.ToLowerInvariant()"/> does).</item>
/// <item>Whitespace: for keyword operators only, every run of whitespace in the text becomes one space, and keywords
/// are trimmed with their inner runs collapsed the same way. Other operators compare the folded text as it is.</item>
/// <item>Word boundaries: a whole-word match is refused only where a character of the keyword's edge and its neighbour
/// in the text are both "spaced word characters": letters, digits or combining marks outside the scripts written
/// without spaces (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer, Myanmar).</item>
/// </list>
/// </summary>
internal static class TextRules
{
    /// <summary>Lower-cases with the invariant culture.</summary>
    public static string Fold(string text) => text.ToLowerInvariant();

    /// <summary>Whether two texts are equal once folded, without allocating for short texts.</summary>
    public static bool FoldedEquals(string a, string b)
    {
        // Folding keeps the length, so texts of different lengths differ.
        if (a.Length != b.Length)
        {
            return false;
        }

        Span<char> fa = a.Length <= 128 ? stackalloc char[a.Length] : new char[a.Length];
        Span<char> fb = b.Length <= 128 ? stackalloc char[b.Length] : new char[b.Length];
        return fa[..Fold(a, fa, false)].SequenceEqual(fb[..Fold(b, fb, false)]);
    }

    /// <summary><c>starts_with</c>: the folded text starts with the (already folded) operand, compared ordinally.</summary>
    public static bool FoldedStartsWith(string text, string foldedOperand)
    {
        Span<char> folded = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        return folded[..Fold(text, folded, false)].StartsWith(foldedOperand, StringComparison.Ordinal);
    }

    /// <summary><c>ends_with</c>: the folded text ends with the (already folded) operand, compared ordinally.</summary>
    public static bool FoldedEndsWith(string text, string foldedOperand)
    {
        Span<char> folded = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        return folded[..Fold(text, folded, false)].EndsWith(foldedOperand, StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether the keyword (folded, as <see cref="FoldKeyword"/> makes it) occurs in the text (folded with whitespace runs
    /// collapsed), every occurrence considered; with <paramref name="wholeWord"/>, one that passes
    /// <see cref="IsWholeWord"/> is needed. The rule network's automaton finds the same occurrences and applies the same test.
    /// </summary>
    public static bool ContainsKeyword(ReadOnlySpan<char> text, string keyword, bool wholeWord, bool needLeft, bool needRight)
    {
        for (var from = 0; from <= text.Length - keyword.Length;)
        {
            var at = text[from..].IndexOf(keyword, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            at += from;
            if (!wholeWord || IsWholeWord(text, at, at + keyword.Length, needLeft, needRight))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }

    /// <summary>A keyword as the automaton holds it: folded, trimmed, inner whitespace runs collapsed to one space.</summary>
    public static string FoldKeyword(string keyword)
    {
        var buffer = new char[keyword.Length];
        var length = Fold(keyword, buffer, collapseWhitespace: true);
        return new string(buffer, 0, length).Trim(' ');
    }

    /// <summary>
    /// Folds <paramref name="source"/> into <paramref name="destination"/> (at least as long as the source) and returns
    /// the length written. With <paramref name="collapseWhitespace"/>, each run of whitespace is written as one space.
    /// </summary>
    public static int Fold(ReadOnlySpan<char> source, Span<char> destination, bool collapseWhitespace)
    {
        // ASCII text (most messages) is lower-cased vectorised; whitespace is collapsed only if it needs to be.
        if (Ascii.ToLower(source, destination, out var written) == OperationStatus.Done)
        {
            var folded = destination[..written];
            return collapseWhitespace && (folded.IndexOfAny(AsciiWhitespaceButSpace) >= 0 || folded.IndexOf("  ", StringComparison.Ordinal) >= 0)
                ? CollapseAscii(folded)
                : written;
        }

        return FoldAny(source, destination, collapseWhitespace);
    }

    private static readonly SearchValues<char> AsciiWhitespaceButSpace = SearchValues.Create("\t\n\v\f\r");

    /// <summary>Collapses runs of ASCII whitespace into one space, in place.</summary>
    private static int CollapseAscii(Span<char> text)
    {
        var n = 0;
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                text[n++] = c;
            }
            else if (n == 0 || text[n - 1] != ' ')
            {
                text[n++] = ' ';
            }
        }

        return n;
    }

    private static int FoldAny(ReadOnlySpan<char> source, Span<char> destination, bool collapseWhitespace)
    {
        var n = 0;
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (collapseWhitespace && char.IsWhiteSpace(c))
            {
                if (n == 0 || destination[n - 1] != ' ')
                {
                    destination[n++] = ' ';
                }

                i++;
                continue;
            }

            if (c < 0x80)
            {
                destination[n++] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
                i++;
                continue;
            }

            // A run of non-ASCII characters goes through the runtime's own invariant lower-casing, so that the result is
            // the same as string.ToLowerInvariant (surrogate pairs stay inside one run: neither ASCII nor whitespace splits them).
            var start = i++;
            while (i < source.Length && source[i] >= 0x80 && !(collapseWhitespace && char.IsWhiteSpace(source[i])))
            {
                i++;
            }

            n += source[start..i].ToLowerInvariant(destination[n..]);
        }

        return n;
    }

    /// <summary>Whether a boundary is needed next to this character of a keyword (or refused next to it in the text).</summary>
    public static bool IsSpacedWordChar(Rune rune)
    {
        if (rune.IsAscii)
        {
            return char.IsAsciiLetterOrDigit((char)rune.Value);
        }

        if (IsNoSpaceScript(rune.Value))
        {
            return false;
        }

        return Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }

    /// <summary>The first character of the text is a spaced word character.</summary>
    public static bool StartsWithSpacedWordChar(ReadOnlySpan<char> text) =>
        !text.IsEmpty && Rune.DecodeFromUtf16(text, out var rune, out _) == OperationStatus.Done && IsSpacedWordChar(rune);

    /// <summary>The last character of the text is a spaced word character.</summary>
    public static bool EndsWithSpacedWordChar(ReadOnlySpan<char> text) =>
        !text.IsEmpty && Rune.DecodeLastFromUtf16(text, out var rune, out _) == OperationStatus.Done && IsSpacedWordChar(rune);

    /// <summary>
    /// Whether a keyword found at <c>text[start..end]</c> stands as a whole word. <paramref name="needLeft"/> and
    /// <paramref name="needRight"/> say whether the keyword's first and last characters are spaced word characters.
    /// </summary>
    public static bool IsWholeWord(ReadOnlySpan<char> text, int start, int end, bool needLeft, bool needRight)
    {
        if (needLeft && start > 0)
        {
            var c = text[start - 1];
            if (c < 0x80 ? char.IsAsciiLetterOrDigit(c) : EndsWithSpacedWordChar(text[..start]))
            {
                return false;
            }
        }

        if (needRight && end < text.Length)
        {
            var c = text[end];
            if (c < 0x80 ? char.IsAsciiLetterOrDigit(c) : StartsWithSpacedWordChar(text[end..]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Scripts written without spaces between words: a keyword in them may match inside a longer run of text.</summary>
    public static bool IsNoSpaceScript(int cp) => cp switch
    {
        >= 0x0E00 and <= 0x0EFF => true, // Thai, Lao
        >= 0x1000 and <= 0x109F => true, // Myanmar
        >= 0x1100 and <= 0x11FF => true, // Hangul Jamo
        >= 0x1780 and <= 0x17FF => true, // Khmer
        >= 0x19E0 and <= 0x19FF => true, // Khmer symbols
        >= 0x2E80 and <= 0x2FDF => true, // CJK radicals, Kangxi radicals
        >= 0x3005 and <= 0x3007 => true, // ideographic iteration mark, closing mark, number zero
        >= 0x3021 and <= 0x3029 => true, // Hangzhou numerals
        >= 0x3040 and <= 0x30FF => true, // Hiragana, Katakana
        >= 0x3130 and <= 0x318F => true, // Hangul compatibility Jamo
        >= 0x31F0 and <= 0x31FF => true, // Katakana phonetic extensions
        >= 0x3400 and <= 0x4DBF => true, // CJK extension A
        >= 0x4E00 and <= 0x9FFF => true, // CJK unified ideographs
        >= 0xA960 and <= 0xA97F => true, // Hangul Jamo extended A
        >= 0xAC00 and <= 0xD7FF => true, // Hangul syllables, Jamo extended B
        >= 0xF900 and <= 0xFAFF => true, // CJK compatibility ideographs
        >= 0xFF66 and <= 0xFFDC => true, // halfwidth Katakana and Hangul
        >= 0x1B000 and <= 0x1B16F => true, // Kana supplement and extensions
        >= 0x20000 and <= 0x3FFFF => true, // CJK extensions B and later
        _ => false,
    };
}
