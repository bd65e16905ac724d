using System.Net;

namespace FlowAutomation.Cli.Tests;

public sealed class StudioCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowctl-studio-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("http://0.0.0.0:5081")]
    [InlineData("http://192.168.1.20:5081")]
    [InlineData("http://*:5081")]
    public async Task Studio_NonLoopbackUrl_RefusedWithUsage(string url)
    {
        var stderr = new StringWriter();

        var exit = await FlowCtl.RunAsync(["studio", _dir, "--urls", url], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(FlowCtl.Usage, exit);
        Assert.Contains("not a loopback address", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Studio_MissingFolder_RefusedWithUsage()
    {
        var stderr = new StringWriter();

        var exit = await FlowCtl.RunAsync(["studio", Path.Combine(_dir, "nowhere")], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(FlowCtl.Usage, exit);
        Assert.Contains("no folder", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Studio_FirstLine_IsTheAddressWithAOneTimeToken_WhichServesThePage()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "a.yaml"), "flow: a\non: message.received\nthen:\n  - stop: true\n");
        var stdout = new FirstLineWriter();
        using var stop = new CancellationTokenSource();

        var run = FlowCtl.RunAsync(["studio", _dir, "--urls", "http://127.0.0.1:0"], stdout, new StringWriter(), stop.Token);
        var first = await stdout.FirstLine.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var client = new HttpClient();
        using var page = await client.GetAsync(first["studio: ".Length..].Split('#')[0]);
        await stop.CancelAsync();
        var exit = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Matches(@"^studio: http://127\.0\.0\.1:\d+/studio/#token=[A-Za-z0-9_-]{32}$", first);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(FlowCtl.Ok, exit);
    }

    /// <summary>Captures what is written and completes <see cref="FirstLine"/> with the first whole line.</summary>
    private sealed class FirstLineWriter : StringWriter
    {
        public TaskCompletionSource<string> FirstLine { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            FirstLine.TrySetResult(ToString().ReplaceLineEndings("\n").Split('\n')[0]);
        }
    }
}
