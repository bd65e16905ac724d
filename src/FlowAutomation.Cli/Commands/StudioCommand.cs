using FlowAutomation.Server.Studio;
using Microsoft.Extensions.Hosting;

namespace FlowAutomation.Cli.Commands;

/// <summary>
/// <c>flowctl studio [FOLDER] [--urls URL]</c>: the studio on this machine for the flow files in FOLDER (<c>flows/</c>
/// by default), on a loopback address only (<c>http://127.0.0.1:5081</c> by default). The first line printed is
/// <c>studio: &lt;address with a one-time token&gt;</c>; it runs until Ctrl+C (or SIGTERM). Exit 2 for a non-loopback
/// address or a missing folder, 1 when it cannot start (the port is taken).
/// </summary>
internal static class StudioCommand
{
    public static int Run(CommandArgs args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(CommandArgs args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Positional.Count > 1)
            throw new UsageException("studio takes one folder");
        var folder = args.Positional.Count == 1 ? args.Positional[0] : "flows";
        if (!Directory.Exists(folder))
            throw new UsageException($"no folder '{folder}' (studio edits the flow files in a folder; create it first)");
        var urls = args.Option("urls") ?? StudioHost.DefaultUrls;
        if (StudioHost.LoopbackProblem(urls) is { } problem)
            throw new UsageException(problem);

        await using var studio = StudioHost.Create(folder, urls);
        try
        {
            await studio.App.StartAsync(cancellationToken);
        }
        catch (IOException exception)
        {
            stderr.WriteLine($"flowctl studio: cannot start: {exception.Message}");
            return FlowCtl.Errors;
        }
        stdout.WriteLine($"studio: {studio.LaunchAddress()}");
        stdout.WriteLine($"flowctl studio: editing {Path.GetFullPath(folder)}; the link works once (open it in one tab); Ctrl+C stops");
        stdout.Flush();
        await studio.App.WaitForShutdownAsync(cancellationToken);
        return FlowCtl.Ok;
    }
}
