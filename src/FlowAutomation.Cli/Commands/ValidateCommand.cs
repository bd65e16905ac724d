using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;

namespace FlowAutomation.Cli.Commands;

/// <summary><c>flowctl validate &lt;paths...&gt; [--format text|json]</c>: exit 0 valid (warnings allowed), 1 errors, 2 usage.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Flow files and folders (every *.yaml and *.yml file below a folder).",
            Arity = ArgumentArity.OneOrMore,
        }.RejectingUnknownOptions();
        var format = CommandOptions.Choice("--format", "text: one line per problem (path(line,col): error FA1234: …); json: one object.", "text", "json");
        var command = new Command("validate", "Check flow files and folders: every mistake with its file, line and column; exit 1 on errors.")
        {
            paths,
            format,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(paths), parse.GetRequiredValue(format), parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(IReadOnlyList<string> paths, string format, TextWriter stdout)
    {
        var result = new FlowCompiler().CompilePaths(paths);
        var errors = result.Diagnostics.Count(d => d.IsError);
        var warnings = result.Diagnostics.Count - errors;
        if (format == "json")
        {
            stdout.WriteLine(JsonSerializer.Serialize(
                new
                {
                    valid = errors == 0,
                    flows = result.Flows.Select(f => f.Id),
                    errors,
                    warnings,
                    diagnostics = result.Diagnostics.Select(ToJson),
                },
                JsonOptions));
        }
        else
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                stdout.WriteLine(diagnostic);
            }

            stdout.WriteLine($"{result.Flows.Length} flow(s) valid, {errors} error(s), {warnings} warning(s)");
        }

        return errors == 0 ? FlowCtl.Ok : FlowCtl.Errors;
    }

    internal static DiagnosticJson ToJson(Diagnostic d) => DiagnosticJson.From(d);

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };
}
