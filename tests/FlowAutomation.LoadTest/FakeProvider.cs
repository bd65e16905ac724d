using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
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
        var reader = context.Request.BodyReader;
        ReadResult read;
        while (!(read = await reader.ReadAsync(context.RequestAborted)).IsCompleted)
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        context.Response.ContentType = "application/json";
        int messages;
        try
        {
            messages = Answer(read.Buffer, context.Response.BodyWriter, index => clock.ProviderReached(index, arrived));
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
        Interlocked.Add(ref _messages, messages);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>
    /// The answer to one send request (<c>{"messages":[{"destinations":[{"to":…,"messageId":…}]}…]}</c>): for each
    /// destination of each message, in order, <c>{"messageId":…,"status":{"groupName":"PENDING"}}</c> inside
    /// <c>{"messages":[…]}</c>, written to <paramref name="output"/> with one reader and one writer over the bytes (the
    /// same JSON the document, string builder and serializer made before); <paramref name="reached"/> hears the index of
    /// each destination to a measured contact (<c>user-conv-N</c>). Returns the messages the request carried. (A name
    /// given twice: the first <c>messages</c> and <c>destinations</c>, the last <c>to</c> and <c>messageId</c>.)
    /// </summary>
    public static int Answer(ReadOnlySequence<byte> request, IBufferWriter<byte> output, Action<int> reached)
    {
        var json = new Utf8JsonReader(request);
        using var answer = new Utf8JsonWriter(output);
        answer.WriteStartObject();
        answer.WriteStartArray("messages"u8);
        var messages = -1;
        Read(ref json, JsonTokenType.StartObject);
        while (Property(ref json, "messages"u8, default) is { } which)
        {
            if (which != 1 || messages >= 0)
            {
                json.Skip();
                continue;
            }
            messages = 0;
            Read(ref json, JsonTokenType.StartArray);
            while (NextObject(ref json))
            {
                messages++;
                AnswerMessage(ref json, answer, reached);
            }
        }
        if (messages < 0)
            throw new KeyNotFoundException("the send request has no messages");
        answer.WriteEndArray();
        answer.WriteEndObject();
        return messages;
    }

    // One message object (the reader on its start): answers each of its destinations.
    private static void AnswerMessage(ref Utf8JsonReader json, Utf8JsonWriter answer, Action<int> reached)
    {
        var found = false;
        while (Property(ref json, "destinations"u8, default) is { } which)
        {
            if (which != 1 || found)
            {
                json.Skip();
                continue;
            }
            found = true;
            Read(ref json, JsonTokenType.StartArray);
            while (NextObject(ref json))
            {
                string? to = null, messageId = null;
                var (hasTo, hasMessageId) = (false, false);
                while (Property(ref json, "to"u8, "messageId"u8) is { } name)
                {
                    json.Read();
                    if (name == 1)
                        (to, hasTo) = (json.GetString(), true);
                    else if (name == 2)
                        (messageId, hasMessageId) = (json.GetString(), true);
                    else
                        json.Skip();
                }
                if (!hasTo || !hasMessageId)
                    throw new KeyNotFoundException("a destination has no to or no messageId");
                if (to is not null && to.StartsWith(WebhookClock.MeasuredContact, StringComparison.Ordinal)
                    && int.TryParse(to.AsSpan(WebhookClock.MeasuredContact.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    reached(index);
                }
                answer.WriteStartObject();
                answer.WriteString("messageId"u8, messageId);
                answer.WriteStartObject("status"u8);
                answer.WriteString("groupName"u8, "PENDING"u8);
                answer.WriteEndObject();
                answer.WriteEndObject();
            }
        }
        if (!found)
            throw new KeyNotFoundException("a message has no destinations");
    }

    // The next property of the object the reader is in (left on its name): 1 or 2 when it is the first or the second
    // name given, 0 for another; null at the object's end.
    private static int? Property(ref Utf8JsonReader json, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        if (!json.Read() || json.TokenType == JsonTokenType.EndObject)
            return null;
        return json.ValueTextEquals(first) ? 1 : !second.IsEmpty && json.ValueTextEquals(second) ? 2 : 0;
    }

    // The next element of the array the reader is in: true on an object, false at the array's end.
    private static bool NextObject(ref Utf8JsonReader json)
    {
        json.Read();
        return json.TokenType switch
        {
            JsonTokenType.StartObject => true,
            JsonTokenType.EndArray => false,
            _ => throw new InvalidOperationException($"a JSON object was expected, not {json.TokenType}"),
        };
    }

    private static void Read(ref Utf8JsonReader json, JsonTokenType expected)
    {
        if (!json.Read() || json.TokenType != expected)
            throw new InvalidOperationException($"JSON {expected} was expected, not {json.TokenType}");
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
