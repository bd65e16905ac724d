using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using FlowAutomation.Cli.Commands;

namespace FlowAutomation.Cli;

/// <summary>
/// The <c>flowctl</c> command line, on System.CommandLine: each command declares its arguments and options (with
/// their help), the parser checks them, and a usage mistake is reported before anything runs. Exit codes: 0 success,
/// 1 the input has errors, 2 usage.
/// </summary>
internal static class FlowCtl
{
    public const int Ok = 0;
    public const int Errors = 1;
    public const int Usage = 2;

    /// <summary>The command tree; a new one for every run (a symbol belongs to the tree it was added to).</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand(
            "flowctl: check, draw, dry-run and test the flows, run the service and the studio. " +
            "Exit codes: 0 success, 1 errors in the input or unmet expectations, 2 usage.")
        {
            ValidateCommand.Create(),
            GraphCommand.Create(),
            DryRunCommand.Create(),
            TestCommand.Create(),
            SchemaCommand.Create(),
            ServeCommand.Create(),
            StudioCommand.Create(),
        };
        root.HelpName = "flowctl";
        return root;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. A usage mistake (an unknown command or option, a missing
    /// or extra argument, a value out of its set) prints one line per problem and the command's help on
    /// <paramref name="stderr"/>, and returns <see cref="Usage"/>. Termination signals are left to the command: the
    /// service and the studio stop through their host's lifetime, the others end with the process.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // Response files (@file) are off: a path that starts with @ is a path.
        var parse = CreateRoot().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
                await stderr.WriteLineAsync($"flowctl: {error.Message}".ReplaceLineEndings(" ").Replace("\t", string.Empty, StringComparison.Ordinal));
            await stderr.WriteLineAsync();
            await WriteHelpAsync(parse.CommandResult, stderr, cancellationToken);
            return Usage;
        }

        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>The help of the command a usage mistake was made in, as <c>flowctl &lt;command&gt; --help</c> prints it.</summary>
    private static async Task WriteHelpAsync(CommandResult command, TextWriter writer, CancellationToken cancellationToken)
    {
        var path = new List<string> { "--help" };
        for (SymbolResult? result = command; result is CommandResult { Parent: not null } sub; result = sub.Parent)
            path.Insert(0, sub.Command.Name);
        await CreateRoot().Parse(path).InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer }, cancellationToken);
    }
}
