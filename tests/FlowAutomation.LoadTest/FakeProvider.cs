using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>
/// The fake Infobip the service sends its replies to (in the load test's process, 127.0.0.1): accepts every message
/// of every request (one <c>messages</c> entry or many), answering each with its own PENDING entry, and, for the first
/// message to each measured conversation's contact (<c>user-conv-N</c>), notes how long after its webhook was sent
/// the request carrying it arrived (<see cref="WebhookClock"/>).
/// </summary>
internal sealed class FakeProvider(WebApplication app, WebhookClock clock) : IAsyncDisposable
{
    private readonly WebApplication _app = app;
    private int _requests;
    private int _messages;

    public string Url => _app.Urls.Single();

    /// <summary>Send requests received in all (warm-up, retries and later replies included).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Messages those requests carried.</summary>
    public int Messages => Volatile.Read(ref _messages);

    /// <summary>"N provider requests carrying M messages", for the report.</summary>
    public string Traffic => string.Create(CultureInfo.InvariantCulture, $"{Requests} provider requests carrying {Messages} messages");

    public static async Task<FakeProvider> StartAsync(WebhookClock clock, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var provider = new FakeProvider(builder.Build(), clock);
        provider._app.Run(provider.HandleAsync);
        await provider._app.StartAsync(cancellationToken);
        return provider;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _requests);
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var answer = new StringBuilder("""{"messages":[""");
        var entries = 0;
        foreach (var message in body.RootElement.GetProperty("messages").EnumerateArray())
        {
            Interlocked.Increment(ref _messages);
            foreach (var destination in message.GetProperty("destinations").EnumerateArray())
            {
                if (destination.GetProperty("to").GetString() is { } to && to.StartsWith(WebhookClock.MeasuredContact, StringComparison.Ordinal)
                    && int.TryParse(to.AsSpan(WebhookClock.MeasuredContact.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    clock.ProviderReached(index, arrived);
                }
                if (entries++ > 0)
                    answer.Append(',');
                // Infobip answers with the messageId it was given; a body is plain ASCII ids here (conv-N/…).
                answer.Append("""{"messageId":""").Append(JsonSerializer.Serialize(destination.GetProperty("messageId").GetString())).Append(""","status":{"groupName":"PENDING"}}""");
            }
        }
        answer.Append("]}");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToString());
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>
/// When each measured webhook was sent (its scheduled time in the open loop, so a late send counts against the
/// service) and when the provider first heard about its conversation: the webhook-to-provider latency.
/// </summary>
internal sealed class WebhookClock(int count)
{
    public const string MeasuredContact = "user-conv-";
    private readonly long[] _sent = new long[count];
    private readonly double[] _toProvider = new double[count];
    private int _reached;

    public void Sent(int index, long timestamp) => Volatile.Write(ref _sent[index], timestamp);

    public void ProviderReached(int index, long timestamp)
    {
        if ((uint)index >= (uint)_sent.Length || Volatile.Read(ref _sent[index]) is var sent && sent == 0)
            return;
        var latency = Stopwatch.GetElapsedTime(sent, timestamp).TotalMilliseconds;
        if (Interlocked.CompareExchange(ref _toProvider[index], latency, 0) == 0)
            Interlocked.Increment(ref _reached);
    }

    /// <summary>Conversations whose reply reached the provider.</summary>
    public int Reached => Volatile.Read(ref _reached);

    /// <summary>The webhook-to-provider latencies noted so far, in milliseconds, sorted.</summary>
    public double[] ProviderLatencies() => ProviderLatencies(0, _toProvider.Length);

    /// <summary>As <see cref="ProviderLatencies()"/>, of the webhooks <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive) only.</summary>
    public double[] ProviderLatencies(int from, int to)
    {
        var latencies = _toProvider[from..to].Where(l => l > 0).ToArray();
        Array.Sort(latencies);
        return latencies;
    }
}
