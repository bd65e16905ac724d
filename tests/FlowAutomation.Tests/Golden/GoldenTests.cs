using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Tests.Golden;

/// <summary>
/// The golden corpus: each case under <c>Golden/&lt;category&gt;/</c> is a broken flow file (<c>NNN-name.yaml</c>) or a
/// folder of files (<c>NNN-name/</c>), and <c>NNN-name.out.txt</c> beside it holds the exact diagnostics expected.
/// Set <c>UPDATE_GOLDEN=1</c> to rewrite the expected files from the compiler's output, then read every change.
/// </summary>
public sealed class GoldenTests
{
    private const string ExpectedSuffix = ".out.txt";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var path in GoldenCorpus.CasePaths().Where(p => !GoldenCorpus.IsScenarioCase(p)))
        {
            data.Add(path);
        }

        return data;
    }

    public static TheoryData<string> ScenarioCases()
    {
        var data = new TheoryData<string>();
        foreach (var path in GoldenCorpus.CasePaths().Where(GoldenCorpus.IsScenarioCase))
        {
            data.Add(path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_GoldenCase_ReportsExactlyTheExpectedDiagnostics(string casePath)
    {
        var root = GoldenCorpus.ProjectDirectory;
        var result = new FlowCompiler().CompilePaths([Path.Combine(root, casePath)], root);
        var actual = string.Join("\n", result.Diagnostics) + "\n";
        var expectedPath = Path.Combine(root, GoldenCorpus.ExpectedFileOf(casePath));

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
        }

        Assert.True(File.Exists(expectedPath), $"missing {expectedPath}; run the tests with UPDATE_GOLDEN=1 and review the file");
        var expected = File.ReadAllText(expectedPath).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual);
        Assert.True(result.Diagnostics.Count > 0, "a golden case is a broken flow: it must report something");
        Assert.Empty(result.Flows.Where(flow => result.Diagnostics.Any(d => d.IsError && Inside(d.Span, flow.Span))));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases))]
    public async Task RunScenario_GoldenCase_ReportsEveryMistakeInOneRun(string casePath)
    {
        var root = GoldenCorpus.ProjectDirectory;
        var lines = new List<string>();
        foreach (var file in GoldenCorpus.ScenarioFilesOf(casePath))
        {
            var result = await ScenarioRunner.RunFileAsync(file);
            Assert.Null(result.Run);
            lines.AddRange(result.Diagnostics.Select(GoldenCorpus.Relative));
        }

        var actual = string.Join("\n", lines) + "\n";
        var expectedPath = Path.Combine(root, GoldenCorpus.ExpectedFileOf(casePath));
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
        }

        Assert.True(File.Exists(expectedPath), $"missing {expectedPath}; run the tests with UPDATE_GOLDEN=1 and review the file");
        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings("\n"), actual);
    }

    private static bool Inside(SourceSpan point, SourceSpan range) =>
        point.Path == range.Path && range.Start <= point.Start && point.Start <= range.End;

    [Fact]
    public void Corpus_EveryCategory_HoldsCasesWithExpectedFiles()
    {
        var cases = GoldenCorpus.CasePaths().ToList();

        Assert.True(cases.Count >= 40, $"the corpus holds {cases.Count} cases; at least 40 are expected");
        var orphans = Directory.EnumerateFiles(GoldenCorpus.Directory, "*" + ExpectedSuffix, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(GoldenCorpus.ProjectDirectory, f).Replace('\\', '/'))
            .Except(cases.Select(GoldenCorpus.ExpectedFileOf))
            .ToList();
        Assert.Empty(orphans);
    }

    [Fact]
    public void Corpus_EveryUserFacingCode_IsExercised()
    {
        // Codes a file on disk cannot show: an unreadable or huge file (see the loading property tests).
        string[] elsewhere = ["FA0004", "FA0005"];
        var used = Directory.EnumerateFiles(GoldenCorpus.Directory, "*" + ExpectedSuffix, SearchOption.AllDirectories)
            .SelectMany(File.ReadLines)
            .Select(line => line.Split(": ", 3))
            .Where(parts => parts.Length == 3)
            .Select(parts => parts[1].Split(' ')[^1])
            .ToHashSet(StringComparer.Ordinal);

        var missing = DiagnosticCodes.All
            .Select(d => d.Code)
            .Where(code => !elsewhere.Contains(code) && !used.Contains(code))
            .ToList();
        Assert.Empty(missing);
    }
}
