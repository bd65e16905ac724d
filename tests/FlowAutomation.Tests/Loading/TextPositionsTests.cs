using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;
using FsCheck;
using FsCheck.Fluent;
using YamlDotNet.Core;

namespace FlowAutomation.Tests.Loading;

/// <summary>Our line and column counting agrees with YamlDotNet's marks, whatever the line breaks.</summary>
public sealed class TextPositionsTests
{
    private static readonly string[] Pieces = ["a", "key", ": ", "- ", "\"q\"", "'s'", "é", "😀", " ", "\t", "\n", "\r\n", "\r", "\u0085", "\u2028", "[x, y]", "{k: v}", "# c"];

    [Fact]
    public void Of_EveryParserEventInRandomText_MatchesYamlDotNetMarks()
    {
        var texts = Gen.ListOf(Gen.Elements(Pieces)).Select(p => string.Concat(p));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1_000), Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var parser = new Parser(new StringReader(text));
            try
            {
                while (parser.MoveNext())
                {
                    // At the very end YamlDotNet counts a line break that is not in the text; nothing is reported there.
                    var mark = parser.Current!.Start;
                    if (mark.Index < text.Length && TextPositions.Of(text, (int)mark.Index) != new Position((int)mark.Line, (int)mark.Column))
                    {
                        return false;
                    }
                }
            }
            catch (YamlException)
            {
                // Positions up to the error were compared; the error itself is the loader's business.
            }

            return true;
        }));
    }

    [Theory]
    [InlineData("a\r\nb", 3, 2, 1)]
    [InlineData("a\rb", 2, 2, 1)]
    [InlineData("a\n\nb", 3, 3, 1)]
    [InlineData("ab", 2, 1, 3)]
    public void Of_Index_CountsBreaksAsOneLine(string text, int index, int line, int column)
    {
        Assert.Equal(new Position(line, column), TextPositions.Of(text, index));
    }

    [Fact]
    public void LineText_LineOfCrLfText_HasNoBreak()
    {
        Assert.Equal("second", TextPositions.LineText("first\r\nsecond\r\nthird", 2));
    }
}
