using FlowAutomation.Rules;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Rules;

public sealed class KeywordAutomatonTests
{
    private struct Collect(List<(int Pattern, int End)> hits) : IKeywordHitSink
    {
        public readonly void OnHit(int pattern, int end) => hits.Add((pattern, end));
    }

    private static List<(int Pattern, int End)> Scan(KeywordAutomaton automaton, string text)
    {
        var hits = new List<(int, int)>();
        var sink = new Collect(hits);
        automaton.Scan(text, ref sink);
        return hits;
    }

    private static List<(int Pattern, int End)> Naive(IReadOnlyList<string> patterns, string text)
    {
        var hits = new List<(int, int)>();
        for (var p = 0; p < patterns.Count; p++)
        {
            for (var at = text.IndexOf(patterns[p], StringComparison.Ordinal); at >= 0; at = text.IndexOf(patterns[p], at + 1, StringComparison.Ordinal))
            {
                hits.Add((p, at + patterns[p].Length));
            }
        }

        return [.. hits.Order()];
    }

    [Theory]
    [InlineData(KeywordAutomaton.DefaultDenseLimit)]
    [InlineData(0)]
    public void Scan_OverlappingPatterns_ReportsEveryOccurrence(int denseLimit)
    {
        string[] patterns = ["he", "she", "his", "hers"];
        var automaton = new KeywordAutomaton(patterns, denseLimit);

        var hits = Scan(automaton, "ushers and his hershe");

        Assert.Equal(denseLimit > 0, automaton.IsDense);
        Assert.Equal(Naive(patterns, "ushers and his hershe"), hits.Order());
        Assert.Contains((1, 4), hits); // "she" in "ushers"
        Assert.Contains((3, 6), hits); // "hers"
    }

    [Fact]
    public void Scan_TextWithCharactersInNoPattern_RestartsAfterThem()
    {
        var automaton = new KeywordAutomaton(["价格", "🔥"]);

        Assert.Equal([(0, 4), (1, 7)], Scan(automaton, "这个价格x🔥"));
        Assert.Empty(Scan(automaton, "价x格"));
    }

    [Fact]
    public void Scan_RandomPatternsAndTexts_EqualsIndexOfInBothForms()
    {
        var alphabet = Gen.Elements("a", "b", "ab", "价", "🔥", "\U00010428", " ", ".", "z");
        var word = Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(alphabet, n)).Select(string.Concat);
        var cases = Arb.From(
            from patterns in Gen.Choose(1, 6).SelectMany(n => Gen.ListOf(word, n)).Select(l => l.Distinct(StringComparer.Ordinal).ToList())
            from text in Gen.Choose(0, 80).SelectMany(n => Gen.ListOf(alphabet, n)).Select(string.Concat)
            select (patterns, text));

        Prop.ForAll(cases, c =>
        {
            var expected = Naive(c.patterns, c.text);
            Assert.Equal(expected, Scan(new KeywordAutomaton(c.patterns), c.text).Order());
            Assert.Equal(expected, Scan(new KeywordAutomaton(c.patterns, denseLimit: 0), c.text).Order());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Scan_DenseTableTooLargeForSixteenBits_EqualsIndexOf()
    {
        // 600 words of 8 letters: several thousand states of 27 classes, past 65,535 row offsets (the 32-bit table), still
        // under the dense limit; texts of 200 letters and spaces, so that the four lanes run.
        var random = new Random(15);
        string Word(int length) => string.Concat(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))));
        var patterns = Enumerable.Range(0, 600).Select(_ => Word(8)).Distinct(StringComparer.Ordinal).ToList();
        var automaton = new KeywordAutomaton(patterns);
        Assert.True(automaton.IsDense);
        Assert.True((long)automaton.StateCount * 27 > ushort.MaxValue);
        for (var t = 0; t < 50; t++)
        {
            var text = string.Join(' ', Enumerable.Range(0, 22).Select(i => i % 3 == 0 ? patterns[random.Next(patterns.Count)] : Word(random.Next(1, 9))));
            var expected = Naive(patterns, text);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Scan(automaton, text).Order());
        }
    }
}
