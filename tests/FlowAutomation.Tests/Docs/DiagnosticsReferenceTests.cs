using System.Text;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;

namespace FlowAutomation.Tests.Docs;

/// <summary>docs/diagnostics.md describes every code the product can report, generated from the descriptors.</summary>
public sealed partial class DiagnosticsReferenceTests
{
    [Fact]
    public void All_Codes_AreUniqueAndWellFormed()
    {
        var codes = DiagnosticCodes.All.Select(d => d.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches(CodePattern(), c));
        Assert.All(DiagnosticCodes.All, d => Assert.False(string.IsNullOrWhiteSpace(d.Help), d.Code));
    }

    [Fact]
    public void Generate_DiagnosticsReference_IsUpToDate() =>
        RepoPaths.AssertMatchesFile(RepoPaths.Of("docs", "diagnostics.md"), Render());

    internal static string Render()
    {
        var sb = new StringBuilder();
        sb.Append("""
            # Diagnostics

            `flowctl validate` (and every command that loads flows or scenarios) reports each problem in the
            .NET compiler's form, which editors and CI logs understand:

            ```
            flows/price.yaml(12,7): error FA1203: unknown operator 'contain'; did you mean 'contains'?
            ```

            The path is as given on the command line, the line and column are 1-based and point at the
            offending token, and every problem of every file is reported in one run. Errors stop a flow from
            loading; warnings do not. Codes are stable: a code is never reused for another meaning.

            Ranges: FA0xxx files and YAML, FA10xx flow structure, FA12xx conditions, FA13xx actions,
            FA14xx templates, FA2xxx the messaging policy, FA3xxx scenarios.

            This file is generated from `src/FlowAutomation/Diagnostics/DiagnosticCodes.cs` by the tests
            (`UPDATE_GOLDEN=1 dotnet test`); edit the descriptors, not this file.

            """);
        foreach (var d in DiagnosticCodes.All)
        {
            sb.Append('\n').Append("## ").Append(d.Code).Append(": ").Append(d.Title).Append("\n\n");
            sb.Append(d.Severity == DiagnosticSeverity.Error ? "Error" : "Warning").Append(". Message: `")
                .Append(Placeholders().Replace(d.MessageFormat.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal), "…"))
                .Append("`\n\n").Append(d.Help).Append('\n'); // help is literal text, not a format string
        }

        return sb.ToString();
    }

    [GeneratedRegex("^FA[0-9]{4}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"\{[0-9]\}")]
    private static partial Regex Placeholders();
}
