namespace FlowAutomation.Scenarios;

/// <summary>Finds scenario files: named files as they are; in folders, every <c>*.scenario.yaml</c> or <c>*.scenario.yml</c>, in ordinal order.</summary>
public static class ScenarioFiles
{
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(IsScenarioFile)
                    .Select(f => f.Replace('\\', '/'))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                files.Add(path);
            }
        }

        return [.. files.Distinct(StringComparer.Ordinal)];
    }

    public static bool IsScenarioFile(string path) => Compilation.FlowFiles.IsScenarioFile(path);
}
