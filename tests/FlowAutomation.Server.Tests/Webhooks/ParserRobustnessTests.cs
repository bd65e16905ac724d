using System.Text;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Server.Tests.Webhooks;

/// <summary>Parsing never throws: every truncation of every sample and random bytes give a result.</summary>
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
    public void Parse_RandomBytes_NeverThrows()
    {
        Prop.ForAll<byte[]>(bytes => Parsers.All(parse => parse(bytes) is { } result && (result.IsSuccess || result.Rejection is not null)))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Parse_RandomStringsInsideValidShapes_NeverThrow()
    {
        Prop.ForAll<string, string>((a, b) =>
        {
            var infobip = $$$"""{"results":[{"sender":{{{Quote(a)}}},"messageId":{{{Quote(b)}}},"message":{"type":{{{Quote(a)}}},"conversationId":{{{Quote(b)}}},"text":{{{Quote(a)}}}}}]}""";
            var tiktok = Payloads.TikTok(a ?? "", b ?? "");
            var lead = $$$"""{"event":"lead.submitted","lead_id":{{{Quote(a)}}},"create_time":{{{Quote(b)}}},"fields":{{{{Quote(a)}}}:{{{Quote(b)}}}}}""";
            return new[] { infobip, tiktok, lead }.All(text => Parsers.All(parse => parse(Encoding.UTF8.GetBytes(text)) is not null));
        }).QuickCheckThrowOnFailure();
    }

    private static string Quote(string? text) => System.Text.Json.JsonSerializer.Serialize(text ?? "");
}
