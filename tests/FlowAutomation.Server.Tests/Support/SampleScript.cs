using System.Diagnostics;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>Runs <c>samples/webhooks/send.sh</c> (bash, openssl and curl, as a user does) and returns what it printed.</summary>
internal static class SampleScript
{
    public static string SendPath => Path.Combine(ServiceProcess.RepoRoot, "samples", "webhooks", "send.sh");

    public static async Task<string> SendAsync(string secret, string url, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { SendPath, secret, url })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"send.sh exited with {process.ExitCode}: {await output}{await errors}");
    }
}
