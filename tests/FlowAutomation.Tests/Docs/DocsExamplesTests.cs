using System.Text.RegularExpressions;
using FlowAutomation.Compilation;

namespace FlowAutomation.Tests.Docs;

/// <summary>Every YAML flow shown in README.md and docs/ compiles without a diagnostic, so the docs cannot rot.</summary>
public sealed partial class DocsExamplesTests
{
    public static TheoryData<string, int> FlowExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, index, _) in Examples())
        {
            data.Add(file, index);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FlowExamples))]
    public void Compile_DocumentedExample_HasNoDiagnostics(string file, int index)
    {
        var (_, _, yaml) = Examples().Single(e => e.File == file && e.Index == index);

        var result = new FlowCompiler().CompileTexts(($"{file}#example{index}", yaml));

        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
        Assert.NotEmpty(result.Flows);
    }

    [Fact]
    public void Examples_FlowLanguageReference_ShowsEveryOperatorAndAction()
    {
        var all = string.Join("\n", Examples().Where(e => e.File == "docs/flow-language.md").Select(e => e.Yaml));

        foreach (var op in FlowAutomation.Language.FlowVocabulary.Operators)
        {
            Assert.Contains(op.Name + ":", all, StringComparison.Ordinal);
        }

        foreach (var action in FlowAutomation.Language.FlowVocabulary.ActionNames.Where(a => a is not ("unassign" or "report_spam" or "close")))
        {
            Assert.Matches(new Regex(@"- " + action + @"\b"), all);
        }
    }

    [Fact]
    public void Load_DocumentedScenarios_HaveNoDiagnostics()
    {
        var count = 0;
        foreach (var (file, index, yaml) in Examples(ScenarioExample))
        {
            var bag = new FlowAutomation.Diagnostics.DiagnosticBag();
            var scenario = FlowAutomation.Scenarios.ScenarioLoader.LoadText($"{file}#scenario{index}", yaml, bag);

            Assert.Empty(bag.ToSortedList().Select(d => d.ToString()));
            Assert.NotNull(scenario);
            count++;
        }

        Assert.True(count > 0);
    }

    private const string FlowExample = "^flow:";
    private const string ScenarioExample = "^scenario:";

    private static IEnumerable<(string File, int Index, string Yaml)> Examples(string kind = FlowExample)
    {
        var files = Directory.GetFiles(RepoPaths.Of("docs"), "*.md").Append(RepoPaths.Of("README.md")).Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');
            var index = 0;
            foreach (Match match in YamlBlock().Matches(File.ReadAllText(path).ReplaceLineEndings("\n")))
            {
                var yaml = match.Groups[1].Value;
                if (Regex.IsMatch(yaml, kind, RegexOptions.Multiline))
                {
                    yield return (relative, ++index, yaml);
                }
            }
        }
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
