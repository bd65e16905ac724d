using FlowAutomation.Guard;
using FlowAutomation.Server.Images;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Outbound;

/// <summary>The service's image inspector against images served on 127.0.0.1: sizes, real formats, refusals, a server that hangs, the cache.</summary>
public sealed class HttpImageInspectorTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ImageOptions _options = new();
    private ImageServer _server = null!;

    public async Task InitializeAsync() => _server = await ImageServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpImageInspector Inspector()
    {
        var services = new ServiceCollection();
        services.AddHttpClient(ImageOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        var factory = services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new HttpImageInspector(factory, Options.Create(_options), _time, NullLogger<HttpImageInspector>.Instance);
    }

    private Task<ImageFacts> InspectAsync(HttpImageInspector inspector, string path) => inspector.InspectAsync(_server.Url(path), CancellationToken.None).AsTask().WaitAsync(Guard);

    [Theory]
    [InlineData("/small.png", 40_000L, "png")]
    [InlineData("/large.png", 5L * 1024 * 1024, "png")]
    [InlineData("/no-head.png", 30_000L, "png")]
    [InlineData("/no-range.png", 10_000L, "png")]
    public async Task InspectAsync_ServedImage_FindsItsSizeAndFormatFromItsFirstBytes(string path, long bytes, string format)
    {
        var facts = await InspectAsync(Inspector(), path);

        Assert.Equal((bytes, format, "read from the file's first bytes", (string?)null), (facts.Bytes, facts.Format, facts.FormatSource, facts.Failure));
    }

    [Fact]
    public async Task InspectAsync_GifServedAsPng_TheFirstBytesWin()
    {
        var facts = await InspectAsync(Inspector(), "/mistyped.png");

        Assert.Equal(("gif", 9_000L), (facts.Format, facts.Bytes));
    }

    [Fact]
    public async Task InspectAsync_PngServedAsOctetStream_IsAPng()
    {
        var facts = await InspectAsync(Inspector(), "/octet.png");

        Assert.Equal("png", facts.Format);
    }

    [Fact]
    public async Task InspectAsync_Missing_FailsWithTheStatus()
    {
        var facts = await InspectAsync(Inspector(), "/gone.png");

        Assert.Equal("HTTP 404 Not Found", facts.Failure);
    }

    [Fact]
    public async Task InspectAsync_NothingListens_FailsWithoutWaiting()
    {
        using var refused = new RefusedPort();
        var facts = await Inspector().InspectAsync(refused.Url("/a.png"), CancellationToken.None).AsTask().WaitAsync(Guard);

        Assert.StartsWith("cannot connect: ", facts.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectAsync_ServerNeverAnswers_FailsAtTheTimeoutOnTheClock()
    {
        var inspector = Inspector();
        var looking = InspectAsync(inspector, "/hang.png");
        await _server.Hung.WaitAsync(Guard);

        _time.Advance(_options.Timeout);
        var facts = await looking;

        Assert.Equal("no answer within 5 s", facts.Failure);
        Assert.Equal(1, _server.Requests("/hang.png"));
    }

    [Fact]
    public async Task InspectAsync_SameUrlAgain_AnsweredFromTheCacheUntilItExpires()
    {
        var inspector = Inspector();
        await InspectAsync(inspector, "/small.png");
        var asked = _server.Requests("/small.png");

        var again = await InspectAsync(inspector, "/small.png");
        var peeked = inspector.Peek(_server.Url("/small.png"));
        _time.Advance(_options.CacheDuration);
        var expired = inspector.Peek(_server.Url("/small.png"));
        await InspectAsync(inspector, "/small.png");

        Assert.Equal(2, asked);
        Assert.Equal((40_000L, 40_000L), (again.Bytes, peeked?.Bytes));
        Assert.Null(expired);
        Assert.Equal(4, _server.Requests("/small.png"));
    }

    [Fact]
    public async Task InspectAsync_FailedImage_AskedAgainAfterTheShorterFailureWhile()
    {
        var inspector = Inspector();
        await InspectAsync(inspector, "/gone.png");

        var cached = inspector.Peek(_server.Url("/gone.png"));
        _time.Advance(_options.FailureCacheDuration);

        Assert.NotNull(cached?.Failure);
        Assert.Null(inspector.Peek(_server.Url("/gone.png")));
    }

    [Fact]
    public async Task InspectAsync_NotHttp_FailsWithoutARequest()
    {
        var facts = await Inspector().InspectAsync("ftp://127.0.0.1/a.png", CancellationToken.None);

        Assert.Equal("not an http or https URL", facts.Failure);
    }
}
