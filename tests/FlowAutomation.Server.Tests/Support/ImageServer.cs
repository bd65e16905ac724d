using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>An image as the test server serves it: its first bytes (the rest is zeros up to <paramref name="Length"/>) and how the server behaves.</summary>
internal sealed record ServedImage(byte[] Head, long Length, string? ContentType, bool HeadAllowed = true, bool Ranges = true);

/// <summary>
/// Images on Kestrel at 127.0.0.1 (ephemeral port): small, large and mistyped ones, one behind a server that refuses
/// HEAD, one that ignores ranges, a missing one (404), and <c>/hang.png</c>, which never answers. Counts requests per path.
/// </summary>
internal sealed class ImageServer : IAsyncDisposable
{
    public static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
    public static readonly byte[] Gif = "GIF89a\u0001\0\u0001\0"u8.ToArray();

    public static readonly IReadOnlyDictionary<string, ServedImage> Images = new Dictionary<string, ServedImage>
    {
        ["/small.png"] = new(Png, 40_000, "image/png"),
        ["/large.png"] = new(Png, 5L * 1024 * 1024, "image/png"),
        ["/mistyped.png"] = new(Gif, 9_000, "image/png"),
        ["/octet.png"] = new(Png, 20_000, "application/octet-stream"),
        ["/no-head.png"] = new(Png, 30_000, "image/png", HeadAllowed: false),
        ["/no-range.png"] = new(Png, 10_000, "image/png", HeadAllowed: false, Ranges: false),
    };

    private LoopbackServer _server = null!;
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _hung = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string BaseUrl => _server.BaseUrl;

    /// <summary>Completes when a request to <c>/hang.png</c> has arrived (and is being held).</summary>
    public Task Hung => _hung.Task;

    public int Requests(string path) => _requests.GetValueOrDefault(path);

    public string Url(string path) => BaseUrl + path;

    public static async Task<ImageServer> StartAsync()
    {
        var server = new ImageServer();
        server._server = await LoopbackServer.StartAsync(server.HandleAsync);
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (path == "/hang.png")
        {
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = context.RequestAborted.Register(() => closed.TrySetResult());
            _hung.TrySetResult();
            await closed.Task;
            return;
        }
        if (!Images.TryGetValue(path, out var image))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var isHead = HttpMethods.IsHead(context.Request.Method);
        if (isHead && !image.HeadAllowed)
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        if (image.ContentType is not null)
            context.Response.ContentType = image.ContentType;
        long from = 0, to = image.Length - 1;
        if (image.Ranges && System.Net.Http.Headers.RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range) && range.Ranges.Count == 1)
        {
            var asked = range.Ranges.First();
            from = asked.From ?? 0;
            to = Math.Min(asked.To ?? image.Length - 1, image.Length - 1);
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{image.Length}";
        }
        context.Response.ContentLength = to - from + 1;
        if (isHead)
            return;
        var body = new byte[to - from + 1];
        for (var i = from; i <= to && i < image.Head.Length; i++)
            body[i - from] = image.Head[i];
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}
