using System.Net;
using System.Net.Sockets;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.ChildProcess;

/// <summary><c>flowctl serve</c> as a user runs it, as a child process with the shipped logging settings.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("flowctl-serve-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Serve_PortAlreadyInUse_PrintsOneClearLineNamingUrlsAndExitsNonZero()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";
        Directory.CreateDirectory(Path.Combine(_folder, "flows"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "flows", "hello.yaml"), "flow: hello\non: message.received\nthen:\n  - reply: \"Hi!\"\n");

        var (exit, output, errors) = await ServiceProcess.RunToExitAsync(_folder,
            ["serve", "--urls", url, "--flows", "flows", "--Storage:Provider=InMemory", "--Flows:Watch=false"], Guard);

        Assert.Equal(1, exit);
        Assert.Equal(
            $"flowctl serve: cannot start: Failed to bind to address {url}: address already in use. Another program listens there: stop it, or choose another address with --urls (e.g. --urls http://127.0.0.1:5081).",
            errors.Trim());
        var all = output + errors;
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
        Assert.DoesNotContain(all.Split('\n'), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }
}
