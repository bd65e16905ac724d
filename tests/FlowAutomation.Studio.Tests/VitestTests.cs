using System.Diagnostics;

namespace FlowAutomation.Studio.Tests;

/// <summary>
/// The page's own tests (Vitest, src/FlowAutomation.Studio/test: the YAML ↔ graph mapping, the edits, the round
/// trip over every flow file) run as part of the .NET suite, so `dotnet test` and CI fail when they fail.
/// </summary>
[Collection(StudioCollection.Name)]
public sealed class VitestTests
{
    [Fact]
    public async Task VitestSuite_AllPass()
    {
        var folder = Repo.Path("src", "FlowAutomation.Studio");
        var start = new ProcessStartInfo("node", [Path.Combine("node_modules", "vitest", "vitest.mjs"), "run", "--reporter=dot", "--maxWorkers=2"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["CI"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);

        var text = await output + await errors;
        Assert.True(process.ExitCode == 0, "vitest failed:\n" + text);
        Assert.Matches(@"Tests\s+\d+ passed", text);
    }
}
