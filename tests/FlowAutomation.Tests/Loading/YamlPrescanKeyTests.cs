using System.Text;
using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;

namespace FlowAutomation.Tests.Loading;

/// <summary>
/// Duplicate keys as the prescan finds them: a small mapping's keys are looked up in a list and a big one's in a table,
/// and the frames of closed collections are reused for the next collection at their depth.
/// </summary>
public sealed class YamlPrescanKeyTests
{
    private const string Path = "flows/keys.yaml";

    private static IReadOnlyList<Diagnostic> Read(string text)
    {
        var bag = new DiagnosticBag();
        YamlReader.Read(Path, text, bag);
        return bag.ToSortedList();
    }

    private static string Keys(int count, string indent) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"{indent}k{i}: {i}\n"));

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(12)]
    public void Read_DuplicateKeyAfterManyKeys_ReportedAtTheSecondWithTheFirstsLine(int keys)
    {
        var diagnostics = Read(Keys(keys, string.Empty) + "k2: again\n");

        var d = Assert.Single(diagnostics);
        Assert.Equal("FA0007", d.Code);
        Assert.Equal(keys + 1, d.Span.Start.Line);
        Assert.Equal(1, d.Span.Start.Column);
        Assert.EndsWith("the first is at line 3", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SiblingMappingsWithTheSameKeys_ReportNoDuplicate()
    {
        var text = new StringBuilder("items:\n");
        for (var i = 0; i < 3; i++)
        {
            text.Append("  - ").Append(Keys(12, "    ").TrimStart());
            text.Append("    inner: { a: 1, b: 2 }\n");
        }

        Assert.Empty(Read(text.ToString()));
    }

    [Fact]
    public void Read_DuplicateInAMappingAfterABigSibling_ReportedOnceInTheSecond()
    {
        var text = "items:\n  - " + Keys(12, "    ").TrimStart() + "  - { a: 1, b: 2, a: 3 }\n";

        var d = Assert.Single(Read(text));
        Assert.Equal("FA0007", d.Code);
        Assert.Equal(14, d.Span.Start.Line);
        Assert.Equal(19, d.Span.Start.Column);
    }
}
