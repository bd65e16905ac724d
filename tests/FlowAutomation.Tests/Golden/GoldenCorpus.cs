namespace FlowAutomation.Tests.Golden;

/// <summary>Finds the golden corpus in the test project's source folder, so that UPDATE_GOLDEN can rewrite it.</summary>
internal static class GoldenCorpus
{
    private static readonly Lazy<string> Root = new(FindProjectDirectory);

    /// <summary>tests/FlowAutomation.Tests; case paths are relative to it (<c>Golden/200-conditions/201-x.yaml</c>).</summary>
    public static string ProjectDirectory => Root.Value;

    public static string Directory => Path.Combine(ProjectDirectory, "Golden");

    /// <summary>Every case: a *.yaml file or a folder directly inside a category folder, in ordinal order.</summary>
    public static IEnumerable<string> CasePaths() =>
        System.IO.Directory.EnumerateDirectories(Directory)
            .SelectMany(category => System.IO.Directory.EnumerateFileSystemEntries(category))
            .Where(entry => System.IO.Directory.Exists(entry) || entry.EndsWith(".yaml", StringComparison.Ordinal) || entry.EndsWith(".yml", StringComparison.Ordinal))
            .Select(entry => Path.GetRelativePath(ProjectDirectory, entry).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// A scenario case: a <c>*.scenario.yaml</c> file, or a folder with one at its top (its flows beside it). It is run as
    /// <c>flowctl test</c> runs it; every other case is compiled as flows.
    /// </summary>
    public static bool IsScenarioCase(string casePath)
    {
        var full = Path.Combine(ProjectDirectory, casePath);
        return System.IO.Directory.Exists(full)
            ? System.IO.Directory.EnumerateFiles(full).Any(FlowAutomation.Scenarios.ScenarioFiles.IsScenarioFile)
            : FlowAutomation.Scenarios.ScenarioFiles.IsScenarioFile(casePath);
    }

    /// <summary>The scenario files of a scenario case, in ordinal order.</summary>
    public static IEnumerable<string> ScenarioFilesOf(string casePath)
    {
        var full = Path.Combine(ProjectDirectory, casePath);
        return System.IO.Directory.Exists(full)
            ? System.IO.Directory.EnumerateFiles(full).Where(FlowAutomation.Scenarios.ScenarioFiles.IsScenarioFile).Order(StringComparer.Ordinal)
            : [full];
    }

    /// <summary>A diagnostic as the corpus keeps it: paths relative to <see cref="ProjectDirectory"/>, wherever the run showed them.</summary>
    public static string Relative(FlowAutomation.Diagnostics.Diagnostic diagnostic) =>
        diagnostic.ToString().Replace(ProjectDirectory.Replace('\\', '/') + "/", string.Empty, StringComparison.Ordinal);

    /// <summary><c>Golden/x/101-a.yaml</c> and <c>Golden/x/101-a/</c> both expect <c>Golden/x/101-a.out.txt</c>.</summary>
    public static string ExpectedFileOf(string casePath)
    {
        var extension = casePath.EndsWith(".scenario.yaml", StringComparison.Ordinal) ? ".scenario.yaml" : Path.GetExtension(casePath);
        var stem = extension is ".yaml" or ".yml" or ".scenario.yaml" ? casePath[..^extension.Length] : casePath;
        return stem + ".out.txt";
    }

    private static string FindProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowAutomation.Tests.csproj")) && System.IO.Directory.Exists(Path.Combine(dir.FullName, "Golden")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"the golden corpus was not found above {AppContext.BaseDirectory}");
    }
}
