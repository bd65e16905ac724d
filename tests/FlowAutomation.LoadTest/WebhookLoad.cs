using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;

/// <summary>
/// Sends the signed Infobip webhooks: one per conversation (<c>{prefix}-{i}</c>, contact <c>user-{prefix}-{i}</c>),
/// either in a closed loop (a fixed number in flight) or in an open loop (a fixed arrival rate). Each request's latency
/// runs from its send (closed loop) or its scheduled time (open loop) to the 200. With several nodes, webhook <c>i</c>
/// goes to node <c>i mod nodes</c>.
/// </summary>
internal sealed class WebhookLoad(IReadOnlyList<HttpClient> nodes, string secret)
{
    /// <summary>What <c>StringContent(body, Encoding.UTF8, "application/json")</c> sent before.</summary>
    private const string ContentType = "application/json; charset=utf-8";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);
    private readonly Uri[] _webhookUris = [.. nodes.Select(n => new Uri(n.BaseAddress!, "/webhooks/infobip/tiktok"))];

    public sealed record Result(double[] Latencies, int Errors, TimeSpan Elapsed, int LateStarts);

    public async Task<Result> ClosedLoopAsync(string prefix, int count, int concurrency, WebhookClock? clock)
    {
        var latencies = new double[count];
        var errors = 0;
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                if (!await SendAsync(prefix, i, Stopwatch.GetTimestamp(), latencies, clock))
                    Interlocked.Increment(ref errors);
            }
        });
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Array.Sort(latencies);
        return new Result(latencies, errors, elapsed, 0);
    }

    /// <summary>
    /// Request <c>i</c> is due at <c>start + i / rate</c> and is sent then whatever became of the others (at most
    /// <paramref name="maxInFlight"/> in flight: beyond that a send waits, and its wait counts in its latency).
    /// </summary>
    public async Task<Result> OpenLoopAsync(string prefix, int count, int rate, int maxInFlight, WebhookClock? clock)
    {
        var latencies = new double[count];
        var errors = 0;
        var late = 0;
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        var sends = new List<Task>(count);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait, TimeProvider.System); // the load test runs on the real clock
            else if (wait < -TimeSpan.FromMilliseconds(10))
                late++;
            var index = i;
            sends.Add(Task.Run(async () =>
            {
                await slots.WaitAsync();
                try
                {
                    if (!await SendAsync(prefix, index, due, latencies, clock))
                        Interlocked.Increment(ref errors);
                }
                finally
                {
                    slots.Release();
                }
            }));
        }
        await Task.WhenAll(sends);
        var elapsed = Stopwatch.GetElapsedTime(start);
        Array.Sort(latencies);
        return new Result(latencies, errors, elapsed, late);
    }

    private async Task<bool> SendAsync(string prefix, int i, long from, double[] latencies, WebhookClock? clock)
    {
        // The body's bytes in a pooled buffer, signed as they are: no object, string or second encoding per webhook.
        var buffer = ArrayPool<byte>.Shared.Rent(WebhookBody.MaxLength);
        try
        {
            var length = WebhookBody.Write(buffer, prefix, i, TimeProvider.System.GetUtcNow());
            var content = new ByteArrayContent(buffer, 0, length);
            content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            using var request = new HttpRequestMessage(HttpMethod.Post, _webhookUris[i % _webhookUris.Length]) { Content = content };
            request.Headers.TryAddWithoutValidation("X-Infobip-Signature", WebhookBody.Signature(_key, buffer.AsSpan(0, length)));
            clock?.Sent(i, from);
            try
            {
                using var response = await nodes[i % nodes.Count].SendAsync(request);
                latencies[i] = Stopwatch.GetElapsedTime(from).TotalMilliseconds;
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                latencies[i] = Stopwatch.GetElapsedTime(from).TotalMilliseconds;
                return false;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
