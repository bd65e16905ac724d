using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlowAutomation.Cli.Tests;

/// <summary>
/// The load test's traffic (tests/FlowAutomation.LoadTest): the webhook bytes it writes and signs, and the fake
/// provider's answers, are exactly what its serializer-based code made before (kept here as the oracle), so that making
/// the load test cheaper changes nothing the service receives.
/// </summary>
public sealed class LoadTestTrafficTests
{
    public static TheoryData<string, int, string> Webhooks => new()
    {
        { "warm", 0, "2026-12-03T22:41:07.0000000+00:00" },
        { "warm", 9_999, "2026-01-01T00:00:00.0005000+00:00" },
        { "conv", 1, "2026-12-03T23:59:59.9999999+00:00" },
        { "conv", 2, "2027-02-28T07:08:09.1230000+00:00" },
        { "conv", 3, "1999-12-31T23:59:59.0990000+00:00" },
        { "conv", 99_999, "2026-06-15T12:00:00.5550000+00:00" },
        { "load-2", int.MaxValue, "2026-12-03T00:00:00.0010000+00:00" },
        { "x", 123_456_789, "2030-10-10T10:10:10.1010000+00:00" },
    };

    [Theory]
    [MemberData(nameof(Webhooks))]
    public void Write_PrefixIndexAndTime_SameBytesAsTheSerializerMade(string prefix, int i, string receivedAt)
    {
        var at = DateTimeOffset.Parse(receivedAt, CultureInfo.InvariantCulture);
        var buffer = new byte[WebhookBody.MaxLength];

        var length = WebhookBody.Write(buffer, prefix, i, at);

        Assert.Equal(Encoding.UTF8.GetBytes(SerializedWebhook(prefix, i, at)), buffer[..length]);
    }

    [Fact]
    public void Write_PrefixJsonWouldEscape_Throws()
    {
        var buffer = new byte[WebhookBody.MaxLength];

        var error = Assert.Throws<ArgumentException>(() => WebhookBody.Write(buffer, "conv+1", 1, DateTimeOffset.UnixEpoch));

        Assert.Contains("'conv+1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_OfTheBody_IsTheHmacTheServiceChecksAndChangesWithTheBody()
    {
        var key = Encoding.UTF8.GetBytes("load-secret");
        var buffer = new byte[WebhookBody.MaxLength];
        var body = buffer[..WebhookBody.Write(buffer, "conv", 42, DateTimeOffset.Parse("2026-12-03T22:41:07Z", CultureInfo.InvariantCulture))];

        var signature = WebhookBody.Signature(key, body);

        using var hmac = new HMACSHA256(key);
        Assert.True(CryptographicOperations.FixedTimeEquals(hmac.ComputeHash(body), Convert.FromHexString(signature)));
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("load-secret"), Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body)))), signature);
        body[^2] ^= 1;
        Assert.NotEqual(signature, WebhookBody.Signature(key, body));
    }

    [Fact]
    public void Answer_OneMessage_SameJsonAsBeforeAndNotesTheMeasuredContact()
    {
        var request = SendRequest(("user-conv-17", "0193a1b2-0001"));

        var (answer, reached, messages) = Answer(request, segments: 1);

        var (expected, expectedReached) = AnsweredBefore(request);
        Assert.Equal(expected, answer);
        Assert.Equal([17], reached);
        Assert.Equal(expectedReached, reached);
        Assert.Equal(1, messages);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void Answer_ManyMessagesInSegments_SameJsonAsBeforeAndNotesOnlyMeasuredContacts(int segments)
    {
        var request = SendRequest(
            ("user-conv-0", "id-0"), ("user-warm-5", "id+5/é\"<"), ("user-conv-9999", null), ("user-conv-x1", "id-7"),
            ("user-conv-123", "a\u00e9\u4e2d"), ("someone-else", ""), ("user-conv-42", "id-42"));

        var (answer, reached, messages) = Answer(request, segments);

        var (expected, expectedReached) = AnsweredBefore(request);
        Assert.Equal(expected, answer);
        Assert.Equal([0, 9999, 123, 42], reached);
        Assert.Equal(expectedReached, reached);
        Assert.Equal(7, messages);
    }

    [Fact]
    public void Answer_NoMessages_ThrowsAsTheDocumentDid()
    {
        var request = """{"bulkId":"b"}"""u8.ToArray();

        Assert.Throws<KeyNotFoundException>(() => Answer(request, segments: 1));
        Assert.Throws<KeyNotFoundException>(() => AnsweredBefore(request));
    }

    private static (string Answer, List<int> Reached, int Messages) Answer(byte[] request, int segments)
    {
        var output = new ArrayBufferWriter<byte>();
        var reached = new List<int>();
        var messages = FakeProvider.Answer(Segments(request, segments), output, reached.Add);
        return (Encoding.UTF8.GetString(output.WrittenSpan), reached, messages);
    }

    // The send request as the service's Infobip sender writes it: one message per destination, with content and options.
    private static byte[] SendRequest(params (string To, string? MessageId)[] destinations)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("messages");
            foreach (var (to, messageId) in destinations)
            {
                json.WriteStartObject();
                json.WriteString("sender", "biz-1");
                json.WriteStartArray("destinations");
                json.WriteStartObject();
                json.WriteString("messageId", messageId);
                json.WriteString("to", to);
                json.WriteStartObject("extra");
                json.WriteString("to", "not-a-destination");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteStartObject("content");
                json.WriteString("type", "TEXT");
                json.WriteString("text", "The serum is 25 EUR.");
                json.WriteEndObject();
                json.WriteStartObject("options");
                json.WriteStartObject("validityPeriod");
                json.WriteNumber("amount", 86400);
                json.WriteString("timeUnit", "SECONDS");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    // The bytes cut into about `count` segments, as a request body arrives from the network.
    private static ReadOnlySequence<byte> Segments(byte[] bytes, int count)
    {
        var size = Math.Max(1, bytes.Length / count);
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var at = first.Memory.Length; at < bytes.Length; at += size)
            last = last.Append(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex) => (Memory, RunningIndex) = (memory, runningIndex);

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    // The oracle: the load test's webhook as it was made before (an anonymous object through JsonSerializer).
    private static string SerializedWebhook(string prefix, int i, DateTimeOffset at)
    {
        var now = at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
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

    // The oracle: the fake provider's answer as it was made before (a document, a string builder, the serializer per id).
    private static (string Answer, List<int> Reached) AnsweredBefore(byte[] request)
    {
        var reached = new List<int>();
        using var body = JsonDocument.Parse(request);
        var answer = new StringBuilder("""{"messages":[""");
        var entries = 0;
        foreach (var message in body.RootElement.GetProperty("messages").EnumerateArray())
        {
            foreach (var destination in message.GetProperty("destinations").EnumerateArray())
            {
                if (destination.GetProperty("to").GetString() is { } to && to.StartsWith(WebhookClock.MeasuredContact, StringComparison.Ordinal)
                    && int.TryParse(to.AsSpan(WebhookClock.MeasuredContact.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    reached.Add(index);
                }
                if (entries++ > 0)
                    answer.Append(',');
                answer.Append("""{"messageId":""").Append(JsonSerializer.Serialize(destination.GetProperty("messageId").GetString())).Append(""","status":{"groupName":"PENDING"}}""");
            }
        }
        answer.Append("]}");
        return (answer.ToString(), reached);
    }
}
