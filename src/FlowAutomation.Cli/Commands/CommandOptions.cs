using System.CommandLine;

namespace FlowAutomation.Cli.Commands;

/// <summary>The options several commands share, made the same way each time (a new instance per command).</summary>
internal static class CommandOptions
{
    /// <summary>
    /// An option whose value is one of <paramref name="allowed"/> (the first is the default): shown as
    /// <c>--name &lt;a|b&gt;</c> in help, offered by completion, and any other value is a usage error naming the option.
    /// </summary>
    public static Option<string> Choice(string name, string description, params string[] allowed)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', allowed),
            DefaultValueFactory = _ => allowed[0],
        };
        option.CompletionSources.Add(allowed);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!allowed.Contains(value, StringComparer.Ordinal))
                result.AddError($"{name} must be one of {string.Join(", ", allowed)}, not '{value}'");
        });
        return option;
    }

    /// <summary><c>--engine network|nrules</c>: the rule engine the scenarios run on (docs/nrules.md); both give the same results.</summary>
    public static Option<string> RuleEngine() =>
        Choice("--engine", "The rule engine: network (the default) or nrules (the flows as NRules rules); both give the same results.", "network", "nrules");

    /// <summary>The <see cref="Rules.RuleEngineKind"/> an <c>--engine</c> value names.</summary>
    public static Rules.RuleEngineKind RuleEngineKind(string value) =>
        value == "nrules" ? Rules.RuleEngineKind.NRules : Rules.RuleEngineKind.Network;

    /// <summary><c>--flows DIR</c>: the flow folder, instead of the one a scenario names.</summary>
    public static Option<string> ScenarioFlows() => new("--flows")
    {
        Description = "Load the flows from DIR instead of the folder each scenario names.",
        HelpName = "DIR",
    };

    /// <summary>
    /// Makes a word that looks like an option (<c>--colour</c>) in <paramref name="argument"/>'s place a usage error
    /// naming it, instead of a file name: the parser hands words it does not know as options to the arguments.
    /// </summary>
    public static TArgument RejectingUnknownOptions<TArgument>(this TArgument argument)
        where TArgument : Argument
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => t.Value.Length > 1 && t.Value[0] == '-') is { } token)
                result.AddError($"unknown option '{token.Value.Split('=', 2)[0]}'");
        });
        return argument;
    }
}
