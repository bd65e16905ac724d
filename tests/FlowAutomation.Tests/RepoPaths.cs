namespace FlowAutomation.Tests;

/// <summary>Finds files of the repository from the test's output folder, so that tests read flows/ and docs/ as shipped.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Regenerate checked-in outputs (docs, schema, golden files) instead of comparing with them.</summary>
    public static bool Update => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowAutomation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FlowAutomation.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Compares a checked-in file with what the code generates now, or rewrites it when <see cref="Update"/> is set.</summary>
    public static void AssertMatchesFile(string expectedPath, string actual)
    {
        if (Update)
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing; run the tests with UPDATE_GOLDEN=1 to write it");
        var expected = File.ReadAllText(expectedPath).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual.ReplaceLineEndings("\n"));
    }
}
