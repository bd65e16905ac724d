using System.Text;
using FlowAutomation.Rules;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Rules;

public sealed class TextRulesTests
{
    [Fact]
    public void Fold_RandomUtf16_EqualsToLowerInvariant()
    {
        // Any code unit, lone surrogates included, and well-formed pairs from a few planes.
        var unit = Gen.Frequency(
            (4, Gen.Choose(0, 0x7F).Select(c => ((char)c).ToString())),
            (4, Gen.Choose(0x80, 0xFFFF).Select(c => ((char)c).ToString())),
            (2, Gen.Elements(0x10400, 0x10428, 0x1F525, 0x20000, 0x1E900).Select(cp => new Rune(cp).ToString())));
        var text = Gen.Choose(0, 30).SelectMany(n => Gen.ListOf(unit, n)).Select(string.Concat);

        Prop.ForAll(Arb.From(text), s =>
        {
            var buffer = new char[s.Length];
            Assert.Equal(s.ToLowerInvariant(), new string(buffer, 0, TextRules.Fold(s, buffer, collapseWhitespace: false)));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Theory]
    [InlineData("  How \t\u00A0MUCH\n", "how much")]
    [InlineData("PRÍCE", "príce")]
    [InlineData("\u3000价格\u3000", "价格")]
    public void FoldKeyword_TrimsCollapsesAndLowerCases(string keyword, string expected)
    {
        Assert.Equal(expected, TextRules.FoldKeyword(keyword));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("É", true)]
    [InlineData("7", true)]
    [InlineData("\u0301", true)] // combining acute accent
    [InlineData("价", false)]
    [InlineData("カ", false)]
    [InlineData("가", false)]
    [InlineData("ก", false)]
    [InlineData("🔥", false)]
    [InlineData("?", false)]
    [InlineData("_", false)]
    [InlineData("\U00010428", true)] // a Deseret letter
    public void IsSpacedWordChar_ClassifiesCharacters(string text, bool expected)
    {
        Assert.Equal(expected, TextRules.IsSpacedWordChar(Rune.GetRuneAt(text, 0)));
    }

    [Theory]
    [InlineData("VIP", "vip", true)]
    [InlineData("Hot-Lead", "hot-lead", true)]
    [InlineData("vip", "vips", false)]
    [InlineData("\U00010400", "\U00010428", true)]
    public void FoldedEquals_ComparesFoldedTexts(string a, string b, bool expected)
    {
        Assert.Equal(expected, TextRules.FoldedEquals(a, b));
    }
}
