using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Policy;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Webhooks;
using FlowAutomation.Server.Webhooks;
using FlowAutomation.State;

namespace FlowAutomation.Benchmarks.Storage;

/// <summary>
/// The two JSON pieces of the eighteenth pass, per event of the service's load test: the Infobip webhook's body checked
/// (<c>ReadingAll</c>: every string read, as before — the test oracle's copy of the old check, <c>OldJsonFields</c>; <c>Checked</c>: text found from the raw bytes) and parsed whole, and
/// the conversation state's document (<c>StateReflected</c>: the serializer, as before; <c>StateWritten</c>: member by
/// member, the same bytes). One operation = the four bodies the load test sends (or four states) once each.
/// </summary>
[MemoryDiagnoser]
public class WebhookJsonBenchmarks
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, 123, TimeSpan.Zero);
    private readonly InfobipWebhookParser _parser = new(TimeProvider.System);
    private byte[][] _bodies = [];
    private ConversationState[] _states = [];

    [GlobalSetup]
    public void Setup()
    {
        // The load test's body (tests/FlowAutomation.LoadTest/WebhookLoad.cs), its four texts.
        _bodies = [.. new[] { "How much is the serum?", "Where is my order?", "hello", "do you ship to Singapore?" }.Select((text, i) => Encoding.UTF8.GetBytes(
            JsonSerializer.Serialize(new
            {
                results = new[] { new { sender = $"user-m-{i}", to = "biz-1", integrationType = "TIKTOK", receivedAt = "2026-12-03T10:00:00.123+0000", messageId = $"m-msg-{i}", message = new { type = "TEXT", conversationId = $"m-{i}", text } } },
                messageCount = 1,
                pendingMessageCount = 0,
            })))];
        var first = ConversationState.New("m-1", "user-m-1").WithContact("user-m-1", null, null, null).RecordInbound(At, PolicyProfile.TikTok).BeginStretch(At);
        var replied = first.RecordFired("welcome", At).RecordSend(At, afterWindow: false).WithTag("asked-price");
        _states = [first, replied, replied.WithTag("lead").WithField("Product", "serum").AssignTo("ana", "sales"), replied.RecordFired("faq", At).WithTag("shipping")];
    }

    [Benchmark(Baseline = true)]
    public int ReadingAll()
    {
        var found = 0;
        foreach (var body in _bodies)
        {
            found += OldJsonFields.Refusal(body) is null ? 1 : 0;
        }
        return found;
    }

    [Benchmark]
    public int Checked()
    {
        var found = 0;
        foreach (var body in _bodies)
        {
            using var document = JsonFields.TryParse(body, out _);
            found += document is null ? 0 : 1;
        }
        return found;
    }

    [Benchmark]
    public int Parsed()
    {
        var records = 0;
        foreach (var body in _bodies)
            records += _parser.ParseInbound(body).Records.Length;
        return records;
    }

    [Benchmark]
    public int StateReflected()
    {
        var length = 0;
        foreach (var state in _states)
            length += StoreJson.Serialize(state).Length;
        return length;
    }

    [Benchmark]
    public int StateWritten()
    {
        var length = 0;
        foreach (var state in _states)
            length += StoreJson.SerializeState(state).Length;
        return length;
    }
}
