using System.CommandLine;
using FlowAutomation.Cli.Commands;

namespace FlowAutomation.Cli.Tests;

/// <summary>flowctl's command line itself: help, usage mistakes (exit 2 with a line naming the problem), completion.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await FlowCtl.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    public static TheoryData<string> Commands() => [.. FlowCtl.CreateRoot().Subcommands.Select(c => c.Name)];

    [Fact]
    public void CreateRoot_Commands_AreTheContractsSeven()
    {
        Assert.Equal(["validate", "graph", "dry-run", "test", "schema", "serve", "studio"], FlowCtl.CreateRoot().Subcommands.Select(c => c.Name));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EachCommand_PrintsItsUsageEveryOptionAndExitsZero(string name)
    {
        var command = FlowCtl.CreateRoot().Subcommands.Single(c => c.Name == name);

        var (exit, output, err) = await RunAsync(name, "--help");

        Assert.Equal(0, exit);
        Assert.Empty(err);
        Assert.Contains($"Usage:\n  flowctl {name}", output, StringComparison.Ordinal);
        Assert.Contains(command.Description!, output, StringComparison.Ordinal);
        Assert.All(command.Options, option => Assert.Contains(option.Name, output, StringComparison.Ordinal));
    }

    [Fact]
    public void CreateRoot_EveryCommandArgumentAndOption_HasADescription()
    {
        var root = FlowCtl.CreateRoot();
        var symbols = root.Subcommands.SelectMany(c => new Symbol[] { c }.Concat(c.Arguments).Concat(c.Options));

        Assert.All(symbols, symbol => Assert.False(string.IsNullOrWhiteSpace(symbol.Description), $"{symbol.Name} has no description"));
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommandAndTheExitCodes()
    {
        var (exit, output, _) = await RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.All(FlowCtl.CreateRoot().Subcommands, command => Assert.Contains($"  {command.Name}", output, StringComparison.Ordinal));
        Assert.Contains("Exit codes: 0 success, 1 errors in the input or unmet expectations, 2 usage.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate", "flows", "--colour", "on")]
    [InlineData("graph", "--colour", "a.yaml")]
    [InlineData("dry-run", "a.scenario.yaml", "--colour")]
    [InlineData("test", "samples", "--colour=on")]
    [InlineData("schema", "--colour", "on")]
    [InlineData("serve", "--colour=on")]
    [InlineData("studio", "--colour")]
    public async Task RunAsync_UnknownOption_ExitsTwoNamingIt(params string[] args)
    {
        var (exit, output, err) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        var problems = err.Split("\n\n")[0].Split('\n');
        Assert.All(problems, line => Assert.StartsWith("flowctl: ", line, StringComparison.Ordinal));
        Assert.Contains(problems, line => line.Contains("'--colour'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("validate", "paths")]
    [InlineData("graph", "flow file")]
    [InlineData("dry-run", "scenario")]
    [InlineData("test", "scenario files or folders")]
    public async Task RunAsync_MissingArgument_ExitsTwoNamingIt(string command, string argument)
    {
        var (exit, output, err) = await RunAsync(command);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal($"flowctl: Required argument '{argument}' missing for command: '{command}'.", err.Split('\n')[0]);
    }

    [Theory]
    [InlineData("--format")]
    [InlineData("--flows")]
    [InlineData("--explain")]
    public async Task RunAsync_TrailingOptionWithoutValue_ExitsTwoNamingIt(string option)
    {
        var (exit, _, err) = await RunAsync("dry-run", "a.scenario.yaml", option);

        Assert.Equal(2, exit);
        Assert.Equal($"flowctl: Required argument missing for option: '{option}'.", err.Split('\n')[0]);
    }

    [Fact]
    public async Task RunAsync_ValueOutsideItsSet_ExitsTwoNamingTheOptionAndTheChoices()
    {
        var (exit, _, err) = await RunAsync("graph", "a.yaml", "--format", "svg");

        Assert.Equal(2, exit);
        Assert.Equal("flowctl: --format must be one of mermaid, dot, not 'svg'", err.Split('\n')[0]);
    }

    [Theory]
    [InlineData("dry-run a.scenario.yaml --format ", "json\ntext\n")]
    [InlineData("graph a.yaml --format ", "dot\nmermaid\n")]
    [InlineData("dry-r", "dry-run\n")]
    public async Task RunAsync_SuggestDirective_CompletesCommandsAndValues(string line, string expected)
    {
        var (exit, output, _) = await RunAsync($"[suggest:{line.Length}]", line);

        Assert.Equal(0, exit);
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData("config")]
    [InlineData("--Flows:Watch")]
    [InlineData("--:Key=value")]
    public async Task Serve_SettingNotInTheSectionKeyForm_ExitsTwoBeforeStarting(string setting)
    {
        var (exit, output, err) = await RunAsync("serve", setting);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("flowctl: ", err, StringComparison.Ordinal);
        Assert.Contains("Usage:\n  flowctl serve", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SettingThatIsNotOfItsType_PrintsOneLineNamingItAndExitsOneBeforeStarting()
    {
        var (exit, output, err) = await RunAsync("serve", "--urls", "http://127.0.0.1:0", "--Storage:Provider=Foo");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("flowctl serve: cannot start: Failed to convert configuration value 'Foo' at 'Storage:Provider'", err, StringComparison.Ordinal);
        Assert.Contains("Foo is not a valid value for StorageProvider", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void HostSettings_BothForms_BecomeSectionKeyEqualsValue()
    {
        string[] tokens = ["--Webhooks:Infobip:Secret=dev-secret", "--Flows:Watch", "false", "--Admin:ApiKey=a=b"];

        Assert.Null(ServeCommand.SettingsProblem(tokens));
        Assert.Equal(["--Webhooks:Infobip:Secret=dev-secret", "--Flows:Watch=false", "--Admin:ApiKey=a=b"], ServeCommand.HostSettings(tokens));
    }
}
