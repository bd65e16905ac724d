using System.Text;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Server.Tests.Webhooks;

/// <summary>
/// The body check after the eighteenth pass (text found without reading it) against the check before it
/// (<see cref="OldJsonFields"/>): the same body taken or refused with the same reason for every sample, every prefix
/// of one, and samples mutated with bad bytes, escaped lone surrogates, control characters, duplicate members, wrong
/// types, deep nesting, huge numbers and random bytes; and the parsers' answers follow it.
/// </summary>
public sealed class JsonFieldsOracleTests
{
    private static readonly FakeTimeProvider Time = TestClock.Create();

    /// <summary>Pieces spliced into a sample: bad UTF-8, escapes (paired, lone, control), raw controls, non-ASCII text, JSON that breaks or nests.</summary>
    private static readonly string[] Splices =
    [
        "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\ud83d", "\\ud83dx", "\\u0000", "\\u001f", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\uffff",
        "é", "日本", "😀", "\u0001", "\t", "\"", "\\", "\\x", "\\u12", "", ",", ":", "{", "}", "[", "]", "\"dup\":1,",
        "1e400", "-0", "123456789012345678901234567890", "null", "true", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    ];

    private static readonly byte[][] BadBytes = [[0x80], [0xC3, 0x28], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xC3]];

    private static IEnumerable<byte[]> Samples =>
        Payloads.All.Select(Encoding.UTF8.GetBytes).Concat(
        [
            Encoding.UTF8.GetBytes("""{"results":[{"sender":"u","sender":"v","messageId":1,"message":{"type":"TEXT","conversationId":"c","text":"t","text":"\ud800"}}]}"""),
            Encoding.UTF8.GetBytes("""{"results":{"0":{}},"results":[{"sender":"u","messageId":"m","message":{"type":"TEXT","conversationId":"c","text":"é"}}]}"""),
            Encoding.UTF8.GetBytes("""{"results":"[]","\udc00":1}"""),
            Encoding.UTF8.GetBytes("""["a","b\u0000",{"\ud83d\ude00":["\ud83d"]}]"""),
            Encoding.UTF8.GetBytes("\"\\ud800\""),
            Encoding.UTF8.GetBytes("""{"":{"x":"\ud800"},"y":1}"""),
            Encoding.UTF8.GetBytes("""{"a":{"":[{"":{"b":"\udc00"}}]}}"""),
            Encoding.UTF8.GetBytes("""{"results":[{"sender":1e999,"messageId":-0.0e-7,"message":{"type":["TEXT"],"conversationId":{},"text":null}}]}"""),
        ]);

    [Fact]
    public void TryParse_EverySampleEveryPrefixAndEveryMutation_SameDecisionAsBefore()
    {
        var compared = 0;
        foreach (var sample in Samples)
        {
            for (var length = 0; length <= sample.Length; length++)
                compared += Compare(sample[..length]);
            for (var at = 0; at <= sample.Length; at += Math.Max(1, sample.Length / 40))
            {
                foreach (var splice in Splices)
                    compared += Compare([.. sample[..at], .. Encoding.UTF8.GetBytes(splice), .. sample[at..]]);
                foreach (var bad in BadBytes)
                {
                    compared += Compare([.. sample[..at], .. bad, .. sample[at..]]);
                    if (at < sample.Length)
                        compared += Compare([.. sample[..at], .. bad, .. sample[(at + 1)..]]);
                }
            }
        }
        Assert.True(compared > 40_000, $"only {compared} bodies compared");
    }

    [Fact]
    public void TryParse_RandomBytesAndStringsInShapes_SameDecisionAsBefore()
    {
        Prop.ForAll<byte[]>(bytes => Compare(bytes) == 1).QuickCheckThrowOnFailure();
        Prop.ForAll<string, string>((a, b) =>
        {
            var body = $$$"""{"results":[{"sender":{{{Escaped(a)}}},"messageId":{{{Escaped(b)}}},"message":{"type":"TEXT","conversationId":"c",{{{Escaped(b)}}}:{{{Escaped(a)}}}}}]}""";
            return Compare(Encoding.UTF8.GetBytes(body)) == 1 && CompareText(body);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TryParse_TextHeldInAString_SameDecisionAsBefore()
    {
        var compared = 0;
        foreach (var sample in Samples)
        {
            var text = Encoding.UTF8.GetString(sample);
            foreach (var splice in Splices)
            {
                for (var at = 0; at <= text.Length; at += Math.Max(1, text.Length / 20))
                {
                    Assert.True(CompareText(string.Concat(text.AsSpan(0, at), splice, text.AsSpan(at))));
                    compared++;
                }
            }
        }
        Assert.True(compared > 5_000, $"only {compared} texts compared");
    }

    /// <summary>A string in JSON with every char escaped as \uXXXX: lone surrogates among them stay in the body.</summary>
    private static string Escaped(string? text) =>
        text is null ? "null" : "\"" + string.Concat(text.Select(c => $"\\u{(int)c:x4}")) + "\"";

    /// <summary>Compares the check and the Infobip parsers' refusals with the old check's; 1 for one body compared.</summary>
    private static int Compare(byte[] body)
    {
        var before = OldJsonFields.Refusal(body);
        using (var document = JsonFields.TryParse(body, out var error))
        {
            Assert.Equal(before is null, document is not null);
            if (before is not null)
                Assert.Equal(before, error);
        }
        var parser = new InfobipWebhookParser(Time);
        foreach (var result in new[] { parser.ParseInbound(body), parser.ParseReports(body) })
        {
            if (before is not null)
                Assert.Equal(new WebhookRejection(400, before), result.Rejection);
        }
        return 1;
    }

    private static bool CompareText(string text)
    {
        var (taken, before) = OldJsonFields.Check(text, "content");
        using var document = JsonFields.TryParse(text, "content", out var error);
        Assert.Equal(taken, document is not null);
        Assert.Equal(before, error);
        return true;
    }
}
