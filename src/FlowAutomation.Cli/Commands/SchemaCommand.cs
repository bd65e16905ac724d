using FlowAutomation.Language;

namespace FlowAutomation.Cli.Commands;

/// <summary><c>flowctl schema [--out FILE]</c>: the JSON Schema for flow files (docs/flow.schema.json is its output).</summary>
internal static class SchemaCommand
{
    public static int Run(CommandArgs args, TextWriter stdout)
    {
        var schema = FlowSchemaGenerator.Generate();
        if (args.Option("out") is { } path)
        {
            File.WriteAllText(path, schema);
        }
        else
        {
            stdout.Write(schema);
        }

        return FlowCtl.Ok;
    }
}
