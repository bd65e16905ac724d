using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Tests.TestSupport;

namespace FlowAutomation.Tests.Compilation;

public sealed class FlowFilesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("flowfiles-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Write(string relative, string text = "flow: x\n")
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Expand_Folder_ListsYamlFilesBelowInOrdinalOrderRelativeToTheBase()
    {
        Write("b.yml");
        Write("a/z.yaml");
        Write("a/notes.txt");
        Write("A.YAML");

        var files = FlowFiles.Expand([_root.FullName], _root.FullName, new DiagnosticBag());

        Assert.Equal(["A.YAML", "a/z.yaml", "b.yml"], files.Select(f => f.DisplayPath));
    }

    [Fact]
    public void Expand_FolderWithScenarioFiles_LeavesThemOut_SoScenariosMayLiveBesideTheirFlows()
    {
        Write("a.yaml");
        Write("a.scenario.yaml", "scenario: s\n");
        Write("tests/b.Scenario.yml", "scenario: s\n");

        var files = FlowFiles.Expand([_root.FullName], _root.FullName, new DiagnosticBag());

        Assert.Equal(["a.yaml"], files.Select(f => f.DisplayPath));
        Assert.DoesNotContain(new FlowCompiler().CompilePaths([_root.FullName]).Diagnostics, d => d.Span.Path.Contains("scenario", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Expand_SameFileTwice_ListsItOnce()
    {
        var file = Write("a.yaml");

        var files = FlowFiles.Expand([file, _root.FullName, Path.Combine(_root.FullName, ".", "a.yaml")], new DiagnosticBag());

        Assert.Single(files);
    }

    [Fact]
    public async Task Expand_SymbolicLinkLoop_EndsWithoutFollowingTheLink()
    {
        Write("flows/a.yaml");
        Directory.CreateSymbolicLink(Path.Combine(_root.FullName, "flows", "loop"), Path.Combine(_root.FullName, "flows"));

        var files = await Bounded.RunAsync(() => FlowFiles.Expand([Path.Combine(_root.FullName, "flows")], _root.FullName, new DiagnosticBag()));

        Assert.Equal(["flows/a.yaml"], files.Select(f => f.DisplayPath));
    }

    [Fact]
    public void CompilePaths_MissingFile_ReportsItUnreadable()
    {
        var result = new FlowCompiler().CompilePaths([Path.Combine(_root.FullName, "missing.yaml")], _root.FullName);

        Assert.Equal("missing.yaml(1,1): error FA0005: cannot read the file: no such file", Assert.Single(result.Diagnostics).ToString());
    }
}
