using System.Text;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Server.Tests.Webhooks;

/// <summary>Parsing never throws: every truncation of every sample and random bytes are taken or refused with a reason.</summary>
public sealed class ParserRobustnessTests
{
    private static readonly FakeTimeProvider Time = TestClock.Create();

    private static readonly Func<byte[], WebhookParseResult>[] Parsers =
    [
        body => new InfobipWebhookParser(Time).ParseInbound(body),
        body => new InfobipWebhookParser(Time).ParseReports(body),
        body => new TikTokWebhookParser(Time).Parse(body),
        body => new LeadWebhookParser(Time).Parse(body),
    ];

    [Fact]
    public void Parse_EveryPrefixOfEverySample_NeverThrowsAndRefusesWithAReason()
    {
        var checkedCount = 0;
        foreach (var sample in Payloads.All)
        {
            var bytes = Encoding.UTF8.GetBytes(sample);
            for (var length = 0; length < bytes.Length; length++)
            {
                foreach (var parse in Parsers)
                {
                    var result = parse(bytes[..length]);
                    Assert.True(result.IsSuccess || !string.IsNullOrEmpty(result.Rejection!.Reason));
                    checkedCount++;
                }
            }
        }
        Assert.True(checkedCount > 10_000);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrowsAndRefusesWhatIsNotJson()
    {
        Prop.ForAll<byte[]>(bytes => Parsers.All(parse => parse(bytes) is var result
                && (result.IsSuccess ? IsJson(bytes) && Received(result, records: null) : RefusedWithAReason(result))))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Parse_RandomStringsInsideValidShapes_TakesTheEventWholeOrRefusesWithAReason()
    {
        Prop.ForAll<string, string>((a, b) =>
        {
            var infobip = $$$"""{"results":[{"sender":{{{Quote(a)}}},"messageId":{{{Quote(b)}}},"message":{"type":{{{Quote(a)}}},"conversationId":{{{Quote(b)}}},"text":{{{Quote(a)}}}}}]}""";
            var tiktok = Payloads.TikTok(a ?? "", b ?? "");
            var lead = $$$"""{"event":"lead.submitted","lead_id":{{{Quote(a)}}},"create_time":{{{Quote(b)}}},"fields":{{{{Quote(a)}}}:{{{Quote(b)}}}}}""";
            // Each body holds one event: it is taken whole (one record) or refused with a reason, never half taken.
            return new[] { infobip, tiktok, lead }.All(text => Parsers.All(parse => parse(Encoding.UTF8.GetBytes(text)) is var result
                && (result.IsSuccess ? Received(result, records: 1) : RefusedWithAReason(result))));
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>A refusal is a 400 with a reason an operator can read, and takes no record.</summary>
    private static bool RefusedWithAReason(WebhookParseResult result) =>
        result.Rejection is { StatusCode: 400 } rejection && !string.IsNullOrWhiteSpace(rejection.Reason) && result.Records.IsEmpty;

    /// <summary>What was taken: the number of records (when known), each with its ids and received at our clock's now.</summary>
    private static bool Received(WebhookParseResult result, int? records) =>
        (records is null || result.Records.Length == records)
        && result.Records.All(r => r.ProviderMessageId.Length > 0 && r.DedupKey.Length > 0 && r.ReceivedAt == Time.GetUtcNow());

    private static bool IsJson(byte[] bytes)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(bytes);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static string Quote(string? text) => System.Text.Json.JsonSerializer.Serialize(text ?? "");
}
