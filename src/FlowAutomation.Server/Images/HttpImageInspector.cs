using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using FlowAutomation.Guard;
using FlowAutomation.Runtime;
using FlowAutomation.Server.Common;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Images;

/// <summary>
/// Looks at an image before the guard decides an image reply, the way the provider will fetch it: a HEAD request for
/// its size and declared type, then a GET of its first <see cref="ImageSniffer.Needed"/> bytes (<c>Range</c>) for its
/// real format, whose signature beats the <c>Content-Type</c>; the GET's <c>Content-Range</c> also gives the size when
/// the HEAD did not (or was refused). Each request is bounded by <see cref="ImageOptions.Timeout"/> on the injected
/// clock and reads at most those few bytes. An image that does not answer, or answers with an error, is a fact too
/// (<see cref="ImageFacts.Failure"/>). Answers are kept per URL (<see cref="ImageOptions.CacheDuration"/>, failures
/// <see cref="ImageOptions.FailureCacheDuration"/>), and one look serves every caller asking meanwhile.
/// </summary>
internal sealed class HttpImageInspector(IHttpClientFactory httpClientFactory, IOptions<ImageOptions> options, TimeProvider time, ILogger<HttpImageInspector> logger) : IImageInspector
{
    private const int MaxCached = 4096;
    private const string FromBytes = "read from the file's first bytes";

    private readonly ConcurrentDictionary<string, (ImageFacts Facts, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<ImageFacts>>> _looking = new(StringComparer.Ordinal);

    public ImageFacts? Peek(string url) =>
        _cache.TryGetValue(url, out var cached) && cached.Until > time.GetUtcNow() ? cached.Facts : null;

    public async ValueTask<ImageFacts> InspectAsync(string url, CancellationToken cancellationToken)
    {
        if (Peek(url) is { } known)
            return known;
        var look = _looking.GetOrAdd(url, u => new Lazy<Task<ImageFacts>>(() => LookAndKeepAsync(u)));
        try
        {
            return await look.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            _looking.TryRemove(KeyValuePair.Create(url, look));
        }
    }

    private async Task<ImageFacts> LookAndKeepAsync(string url)
    {
        var facts = await LookAsync(url);
        var settings = options.Value;
        if (_cache.Count >= MaxCached)
        {
            var now = time.GetUtcNow();
            foreach (var stale in _cache.Where(c => c.Value.Until <= now).Select(c => c.Key).ToList())
                _cache.TryRemove(stale, out _);
            if (_cache.Count >= MaxCached)
                _cache.Clear();
        }
        _cache[url] = (facts, time.GetUtcNow() + (facts.Failure is null ? settings.CacheDuration : settings.FailureCacheDuration));
        logger.ImageInspected(url, facts.ToString());
        return facts;
    }

    private async Task<ImageFacts> LookAsync(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return ImageFacts.Unreachable("not an http or https URL");
        var client = httpClientFactory.CreateClient(ImageOptions.HttpClientName);

        // HEAD: the size and the declared type, without the body. A server that refuses HEAD still gets the GET.
        long? headLength = null;
        string? headType = null;
        using (var head = await SendAsync(client, HttpMethod.Head, uri, range: false))
        {
            if (head.Failure is { } unreachable)
                return ImageFacts.Unreachable(unreachable);
            if (head.Response!.IsSuccessStatusCode)
            {
                headLength = head.Response.Content.Headers.ContentLength;
                headType = head.Response.Content.Headers.ContentType?.MediaType;
            }
        }

        // GET of the first bytes: the real format, and the size from Content-Range (or Content-Length when the
        // server ignores the range: only the first bytes are read either way).
        using var get = await SendAsync(client, HttpMethod.Get, uri, range: true);
        if (get.Failure is not null || !get.Response!.IsSuccessStatusCode)
        {
            var failure = get.Failure ?? Status(get.Response!);
            return headLength is not null || headType is not null
                ? Facts(headLength, null, headType)
                : ImageFacts.Unreachable(failure);
        }
        var response = get.Response;
        var total = response.Content.Headers.ContentRange?.Length
            ?? (response.StatusCode == System.Net.HttpStatusCode.OK ? response.Content.Headers.ContentLength : null);
        return Facts(total ?? headLength, get.Head, response.Content.Headers.ContentType?.MediaType ?? headType);
    }

    private static ImageFacts Facts(long? bytes, byte[]? head, string? mediaType)
    {
        var sniffed = head is null ? null : ImageSniffer.Sniff(head);
        var declared = ImageSniffer.FromMediaType(mediaType);
        return new ImageFacts
        {
            Bytes = bytes,
            Format = sniffed ?? declared,
            FormatSource = sniffed is not null ? FromBytes : declared is not null ? $"the server's Content-Type {mediaType}" : null,
        };
    }

    /// <summary>One request within the timeout; for a GET, the first bytes are read too. Never throws for the network.</summary>
    private async Task<Answer> SendAsync(HttpClient client, HttpMethod method, Uri uri, bool range)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("FlowAutomation-ImageCheck", "1"));
        if (range)
            request.Headers.Range = new RangeHeaderValue(0, ImageSniffer.Needed - 1);
        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        HttpResponseMessage? response = null;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            byte[]? head = null;
            if (range && response.IsSuccessStatusCode)
                head = await ReadHeadAsync(response.Content, timeout.Token);
            return new Answer(response, head, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            response?.Dispose();
            return new Answer(null, null, $"no answer within {settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException exception)
        {
            response?.Dispose();
            var socket = exception.InnerException as SocketException ?? exception.InnerException?.InnerException as SocketException;
            return new Answer(null, null, $"cannot connect: {socket?.Message ?? exception.Message}");
        }
    }

    private static async Task<byte[]> ReadHeadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = new byte[ImageSniffer.Needed];
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
                break;
            read += n;
        }
        return buffer[..read];
    }

    private static string Status(HttpResponseMessage response) =>
        $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();

    private sealed record Answer(HttpResponseMessage? Response, byte[]? Head, string? Failure) : IDisposable
    {
        public void Dispose() => Response?.Dispose();
    }
}
