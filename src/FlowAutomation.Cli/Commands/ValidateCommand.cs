using System.Text.Encodings.Web;
using System.Text.Json;
using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;

namespace FlowAutomation.Cli.Commands;

/// <summary><c>flowctl validate &lt;paths...&gt; [--format text|json]</c>: exit 0 valid (warnings allowed), 1 errors, 2 usage.</summary>
internal static class ValidateCommand
{
    public static int Run(CommandArgs args, TextWriter stdout)
    {
        var format = args.Choice("format", "text", "json");
        if (args.Positional.Count == 0)
        {
            throw new UsageException("validate needs at least one flow file or folder");
        }

        var result = new FlowCompiler().CompilePaths(args.Positional);
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
