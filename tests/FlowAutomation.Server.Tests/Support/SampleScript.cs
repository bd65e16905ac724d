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
        var (exit, output, errors) = await ServiceProcess.RunToExitAsync(start, timeout);
        return exit == 0 ? output : throw new InvalidOperationException($"send.sh exited with {exit}: {output}{errors}");
    }
}
