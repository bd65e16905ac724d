namespace FlowAutomation.Benchmarks;

/// <summary>Finds the repository's flows/ from wherever BenchmarkDotNet runs the benchmark process.</summary>
internal static class Paths
{
    public static string Flows { get; } = Find("flows");

    private static string Find(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowAutomation.sln")))
            {
                return Path.Combine(dir.FullName, name);
            }
        }

        throw new InvalidOperationException("FlowAutomation.sln not found above " + AppContext.BaseDirectory);
    }
}
