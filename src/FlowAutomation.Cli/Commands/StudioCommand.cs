using System.CommandLine;
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
    private const string DefaultFolder = "flows";

    public static Command Create()
    {
        var folder = new Argument<string>("FOLDER")
        {
            Description = "The folder of flow files to see and edit.",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => DefaultFolder,
        }.RejectingUnknownOptions();
        var urls = new Option<string>("--urls")
        {
            Description = "The loopback address to listen on; any other address is refused.",
            HelpName = "URL",
            DefaultValueFactory = _ => StudioHost.DefaultUrls,
        };
        var command = new Command("studio", "See and edit the flows in FOLDER in the browser, on this machine only; Ctrl+C stops.") { folder, urls };
        command.Validators.Add(result =>
        {
            var path = result.GetValue(folder) ?? DefaultFolder;
            if (!Directory.Exists(path))
                result.AddError($"no folder '{path}' (studio edits the flow files in a folder; create it first)");
            if (StudioHost.LoopbackProblem(result.GetValue(urls) ?? StudioHost.DefaultUrls) is { } problem)
                result.AddError(problem);
        });
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(folder) ?? DefaultFolder,
            parse.GetValue(urls) ?? StudioHost.DefaultUrls,
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string folder, string urls, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await using var studio = StudioHost.Create(folder, urls);
        try
        {
            await studio.App.StartAsync(cancellationToken);
        }
        catch (IOException exception)
        {
            await stderr.WriteLineAsync($"flowctl studio: cannot start: {exception.Message}");
            return FlowCtl.Errors;
        }
        await stdout.WriteLineAsync($"studio: {studio.LaunchAddress()}");
        await stdout.WriteLineAsync($"flowctl studio: editing {Path.GetFullPath(folder)}; the link works once (open it in one tab); Ctrl+C stops");
        await stdout.FlushAsync(cancellationToken);
        await studio.App.WaitForShutdownAsync(cancellationToken);
        return FlowCtl.Ok;
    }
}
