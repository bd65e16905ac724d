using System.Text.Json;

namespace FlowAutomation.Cli.Tests;

public sealed class FlowCtlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowctl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await FlowCtl.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString());
    }

    private const string Good = "flow: hello\non: message.received\nthen:\n  - reply: { text: \"Hi!\" }\n";

    [Fact]
    public async Task Validate_ValidFolder_ExitsZero()
    {
        Write("a.yaml", Good);

        var (exit, output, _) = await RunAsync("validate", _dir);

        Assert.Equal(0, exit);
        Assert.Equal("1 flow(s) valid, 0 error(s), 0 warning(s)\n", output);
    }

    [Fact]
    public async Task Validate_FileWithErrors_ExitsOneWithCompilerFormat()
    {
        var path = Write("bad.yaml", "flow: hello\non: schedule\nthen:\n  - tag: x\n");

        var (exit, output, _) = await RunAsync("validate", path);

        Assert.Equal(1, exit);
        Assert.StartsWith($"{path.Replace('\\', '/')}(2,5): error FA1102: trigger 'schedule' would let the business speak first", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_JsonFormat_ListsDiagnosticsWithPositions()
    {
        var path = Write("bad.yaml", "flow: hello\non: message.received\nthen:\n  - tga: x\n");

        var (exit, output, _) = await RunAsync("validate", path, "--format", "json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var diagnostic = json.RootElement.GetProperty("diagnostics")[0];
        Assert.Equal("FA1301", diagnostic.GetProperty("code").GetString());
        Assert.Equal(4, diagnostic.GetProperty("line").GetInt32());
        Assert.Equal(5, diagnostic.GetProperty("column").GetInt32());
    }

    [Theory]
    [InlineData]
    [InlineData("validate")]
    [InlineData("validate", "x.yaml", "--format", "xml")]
    [InlineData("validate", "x.yaml", "--colour", "on")]
    [InlineData("frobnicate")]
    [InlineData("graph")]
    public async Task RunAsync_BadUsage_ExitsTwoWithTheProblemAndTheHelp(params string[] args)
    {
        var (exit, _, err) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.StartsWith("flowctl: ", err, StringComparison.Ordinal);
        Assert.Contains("Usage:\n  flowctl", err.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsOneWithDiagnostic()
    {
        var (exit, output, _) = await RunAsync("validate", Path.Combine(_dir, "nope.yaml"));

        Assert.Equal(1, exit);
        Assert.Contains("error FA0005: cannot read the file: no such file", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_ValidFlow_PrintsMermaid()
    {
        var path = Write("a.yaml", Good);

        var (exit, output, _) = await RunAsync("graph", path);

        Assert.Equal(0, exit);
        Assert.StartsWith("flowchart TD\n  n0([\"hello<br/>on message.received\"])", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_UnknownFlowId_ExitsOneNamingTheFlowsInTheFile()
    {
        var path = Write("a.yaml", Good);

        var (exit, _, err) = await RunAsync("graph", path, "--flow", "nope");

        Assert.Equal(1, exit);
        Assert.Contains("it holds hello", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_Out_WritesTheSchema()
    {
        var path = Path.Combine(_dir, "schema.json");

        var (exit, _, _) = await RunAsync("schema", "--out", path);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("http://json-schema.org/draft-07/schema#", json.RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public async Task Schema_Scenario_WritesTheScenarioSchema_AndAnotherKindIsAUsageError()
    {
        var (exit, output, _) = await RunAsync("schema", "scenario");
        var (badExit, _, err) = await RunAsync("schema", "flows");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("https://flowautomation.dev/schema/scenario-v1.json", json.RootElement.GetProperty("$id").GetString());
        Assert.Equal(2, badExit);
        Assert.Contains("'flow' (the default) or 'scenario'", err, StringComparison.Ordinal);
    }
}
