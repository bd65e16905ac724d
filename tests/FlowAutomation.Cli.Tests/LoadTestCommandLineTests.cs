namespace FlowAutomation.Cli.Tests;

/// <summary>The load test's command line (tests/FlowAutomation.LoadTest): checked before it starts anything.</summary>
public sealed class LoadTestCommandLineTests
{
    private static async Task<(int Exit, LoadTestOptions? Options, string Err)> ParseAsync(params string[] args)
    {
        LoadTestOptions? ran = null;
        var stderr = new StringWriter();
        var exit = await LoadTestCommandLine.RunAsync(
            args,
            (options, _) =>
            {
                ran = options;
                return Task.FromResult(0);
            },
            new StringWriter(),
            stderr,
            CancellationToken.None);
        return (exit, ran, stderr.ToString());
    }

    [Fact]
    public async Task RunAsync_NoArguments_RunsWithTheDefaults()
    {
        var (exit, options, _) = await ParseAsync();

        Assert.Equal(0, exit);
        Assert.Equal(new LoadTestOptions(10_000, 32, 500, "flows"), options);
    }

    [Fact]
    public async Task RunAsync_EveryOption_IsRead()
    {
        var (exit, options, _) = await ParseAsync("--conversations", "200", "--concurrency=4", "--warmup", "0", "--flows", "samples/shop", "--rate", "2000",
            "--postgres", "Host=127.0.0.1;Username=load", "--nodes", "2", "--flowctl", "/opt/tools/flowctl");

        Assert.Equal(0, exit);
        Assert.Equal(new LoadTestOptions(200, 4, 0, "samples/shop") { Rate = 2000, Postgres = "Host=127.0.0.1;Username=load", Nodes = 2, Flowctl = "/opt/tools/flowctl" }, options);
    }

    [Fact]
    public async Task RunAsync_TwoNodesWithoutPostgres_ExitsTwoSayingWhyAndDoesNotRun()
    {
        var (exit, options, err) = await ParseAsync("--nodes", "2");

        Assert.Equal(LoadTestCommandLine.Usage, exit);
        Assert.Null(options);
        Assert.Contains("load test: --nodes above 1 needs --postgres", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--conversations")]
    [InlineData("--concurrency")]
    [InlineData("--flows")]
    [InlineData("--flowctl")]
    public async Task RunAsync_TrailingFlagWithoutValue_ExitsTwoNamingItAndDoesNotRun(string flag)
    {
        var (exit, options, err) = await ParseAsync("--warmup", "10", flag);

        Assert.Equal(LoadTestCommandLine.Usage, exit);
        Assert.Null(options);
        Assert.Contains($"load test: Required argument missing for option: '{flag}'.", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--conversations", "0", "--conversations must be a whole number from 1 to 100000, not '0'")]
    [InlineData("--concurrency", "1000", "--concurrency must be a whole number from 1 to 256, not '1000'")]
    [InlineData("--warmup", "many", "--warmup must be a whole number from 0 to 100000, not 'many'")]
    [InlineData("--rate", "20001", "--rate must be a whole number from 0 to 20000, not '20001'")]
    [InlineData("--nodes", "0", "--nodes must be a whole number from 1 to 8, not '0'")]
    [InlineData("--colour", "on", "Unrecognized command or argument '--colour'.")]
    public async Task RunAsync_BadValueOrUnknownOption_ExitsTwoNamingItAndDoesNotRun(string option, string value, string message)
    {
        var (exit, options, err) = await ParseAsync(option, value);

        Assert.Equal(LoadTestCommandLine.Usage, exit);
        Assert.Null(options);
        Assert.Contains($"load test: {message}", err, StringComparison.Ordinal);
    }
}
