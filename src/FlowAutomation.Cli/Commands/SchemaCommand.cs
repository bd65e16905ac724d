using System.CommandLine;
using FlowAutomation.Language;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Cli.Commands;

/// <summary>
/// <c>flowctl schema [flow|scenario] [--out FILE]</c>: the JSON Schema for flow files (docs/flow.schema.json is its
/// output) or for scenario files (docs/scenario.schema.json).
/// </summary>
internal static class SchemaCommand
{
    private static readonly string[] Kinds = ["flow", "scenario"];

    public static Command Create()
    {
        var kind = new Argument<string>("KIND")
        {
            Description = "Which files the schema is for: flow (the default) or scenario.",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => Kinds[0],
        }.RejectingUnknownOptions();
        kind.CompletionSources.Add(Kinds);
        kind.Validators.Add(result =>
        {
            // A word that looks like an option is RejectingUnknownOptions' error, not a kind.
            if (result.Tokens is [{ Value: var value }] && !value.StartsWith('-') && !Kinds.Contains(value, StringComparer.Ordinal))
                result.AddError($"schema takes 'flow' (the default) or 'scenario', not '{value}'");
        });
        var output = new Option<string>("--out") { Description = "Write the schema to FILE instead of standard output.", HelpName = "FILE" };
        var command = new Command("schema", "Write the JSON Schema for flow files or scenario files (for editors: completion and checks as you type).") { kind, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var schema = parse.GetValue(kind) == "scenario" ? ScenarioSchemaGenerator.Generate() : FlowSchemaGenerator.Generate();
            if (parse.GetValue(output) is { } path)
                await File.WriteAllTextAsync(path, schema, cancellationToken);
            else
                await parse.InvocationConfiguration.Output.WriteAsync(schema);
            return FlowCtl.Ok;
        });
        return command;
    }
}
