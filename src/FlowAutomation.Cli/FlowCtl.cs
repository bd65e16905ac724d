using FlowAutomation.Cli.Commands;

namespace FlowAutomation.Cli;

/// <summary>The <c>flowctl</c> command line. Exit codes: 0 success, 1 the input has errors, 2 usage.</summary>
internal static class FlowCtl
{
    public const int Ok = 0;
    public const int Errors = 1;
    public const int Usage = 2;

    public const string UsageText = """
        usage: flowctl <command> [arguments]

          validate <paths...> [--format text|json]          check flow files and folders
          graph <flow file> [--flow ID] [--format mermaid|dot] draw a flow as a diagram
          dry-run <scenario> [--flows DIR] [--format text|json] [--explain FLOW|all]
                                                             run a scripted conversation on a virtual clock
          test <scenario files or folders...> [--flows DIR]  run scenarios and check their expectations
          schema [--out FILE]                                write the JSON Schema for flow files
          serve [--flows DIR] [--db PATH] [--urls URL]       run the live service (webhooks, flows, follow-ups, sending)
          studio [FOLDER] [--urls URL]                       see and edit the flows in FOLDER (default flows/) in the browser

        Exit codes: 0 success, 1 errors in the input or unmet expectations, 2 usage.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(UsageText);
            return args.Length == 0 ? Usage : Ok;
        }

        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "validate" => ValidateCommand.Run(CommandArgs.Parse(rest, ["format"]), stdout),
                "graph" => GraphCommand.Run(CommandArgs.Parse(rest, ["format", "flow"]), stdout, stderr),
                "dry-run" => DryRunCommand.Run(CommandArgs.Parse(rest, ["flows", "format", "explain"]), stdout, stderr),
                "test" => TestCommand.Run(CommandArgs.Parse(rest, ["flows"]), stdout),
                "schema" => SchemaCommand.Run(CommandArgs.Parse(rest, ["out"]), stdout),
                "serve" => ServeCommand.Run(rest, stdout, stderr),
                "studio" => StudioCommand.Run(CommandArgs.Parse(rest, ["urls"]), stdout, stderr),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"flowctl: {ex.Message}");
            stderr.WriteLine(UsageText);
            return Usage;
        }
    }
}

internal sealed class UsageException(string message) : Exception(message);
