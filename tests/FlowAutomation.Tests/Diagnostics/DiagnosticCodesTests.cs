using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;

namespace FlowAutomation.Tests.Diagnostics;

public sealed partial class DiagnosticCodesTests
{
    [Fact]
    public void All_Codes_AreUniqueStableAndInTheirRange()
    {
        var codes = DiagnosticCodes.All.Select(d => d.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, code => Assert.Matches("^FA[0-3][0-9]{3}$", code));
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
    }

    [Fact]
    public void All_Descriptors_HaveATitleAndHelpWrittenAsPlainText()
    {
        Assert.All(DiagnosticCodes.All, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Title), d.Code);
            Assert.True(d.Help.Length > 20, d.Code);
            Assert.EndsWith(".", d.Help, StringComparison.Ordinal);

            // Help is shown as written (it is not a format string): no doubled braces left from escaping.
            Assert.DoesNotContain("{{{{", d.Help, StringComparison.Ordinal);
            Assert.DoesNotContain("{{ <", d.Help, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Create_EveryDescriptorWithItsArguments_FormatsWithoutLeftoverPlaceholders()
    {
        Assert.All(DiagnosticCodes.All, d =>
        {
            var count = PlaceholderCount(d.MessageFormat);
            var args = Enumerable.Range(0, count).Select(i => (object?)$"<{i}>").ToArray();

            var diagnostic = d.Create(SourceSpan.At("flows/x.yaml", 3, 7), args);

            Assert.Equal(d.Code, diagnostic.Code);
            Assert.All(Enumerable.Range(0, count), i => Assert.Contains($"<{i}>", diagnostic.Message, StringComparison.Ordinal));
            Assert.DoesNotMatch(@"\{[0-9]+\}", diagnostic.Message.Replace("{{", string.Empty, StringComparison.Ordinal));
            Assert.StartsWith($"flows/x.yaml(3,7): {(d.Severity == DiagnosticSeverity.Error ? "error" : "warning")} {d.Code}: ", diagnostic.ToString(), StringComparison.Ordinal);
        });
    }

    /// <summary>One more than the highest <c>{n}</c> of a composite format; <c>{{</c> and <c>}}</c> are escaped braces.</summary>
    private static int PlaceholderCount(string format)
    {
        var count = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '{' && i + 1 < format.Length && format[i + 1] == '{')
            {
                i++;
            }
            else if (format[i] == '{' && Index().Match(format, i) is { Success: true } m && m.Index == i)
            {
                count = Math.Max(count, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1);
            }
        }

        return count;
    }

    [GeneratedRegex(@"\{([0-9]+)\}")]
    private static partial Regex Index();
}
