using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

/// <summary>
/// Sends the signed Infobip webhooks: one per conversation (<c>{prefix}-{i}</c>, contact <c>user-{prefix}-{i}</c>),
/// either in a closed loop (a fixed number in flight) or in an open loop (a fixed arrival rate). Each request's latency
/// runs from its send (closed loop) or its scheduled time (open loop) to the 200. With several nodes, webhook <c>i</c>
/// goes to node <c>i mod nodes</c>.
/// </summary>
internal sealed class WebhookLoad(IReadOnlyList<HttpClient> nodes, string secret)
{
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
        var body = Webhook(prefix, i);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/infobip/tiktok") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Infobip-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
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

    private static string Webhook(string prefix, int i)
    {
        var now = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
        var text = (i % 4) switch { 0 => "How much is the serum?", 1 => "Where is my order?", 2 => "hello", _ => "do you ship to Singapore?" };
        return JsonSerializer.Serialize(new
        {
            results = new[]
            {
                new { sender = $"user-{prefix}-{i}", to = "biz-1", integrationType = "TIKTOK", receivedAt = now, messageId = $"{prefix}-msg-{i}", message = new { type = "TEXT", conversationId = $"{prefix}-{i}", text } },
            },
            messageCount = 1,
            pendingMessageCount = 0,
        });
    }
}
