using System.CommandLine;
using FlowAutomation.Language;

namespace FlowAutomation.Cli.Commands;

/// <summary><c>flowctl schema [--out FILE]</c>: the JSON Schema for flow files (docs/flow.schema.json is its output).</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Write the schema to FILE instead of standard output.", HelpName = "FILE" };
        var command = new Command("schema", "Write the JSON Schema for flow files (for editors: completion and checks as you type).") { output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var schema = FlowSchemaGenerator.Generate();
            if (parse.GetValue(output) is { } path)
                await File.WriteAllTextAsync(path, schema, cancellationToken);
            else
                await parse.InvocationConfiguration.Output.WriteAsync(schema);
            return FlowCtl.Ok;
        });
        return command;
    }
}
