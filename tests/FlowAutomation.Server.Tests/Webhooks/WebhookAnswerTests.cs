using System.Net;
using System.Text;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Webhooks;

/// <summary>
/// Every webhook answer's status, content type and exact body bytes, as <c>Results.Json</c> wrote them before the
/// endpoints wrote their answers themselves (twentieth pass): these expectations passed on that code unchanged.
/// </summary>
public sealed class WebhookAnswerTests
{
    private const string JsonUtf8 = "application/json; charset=utf-8";

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> AnswerAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task InfobipTikTok_AcceptedThenDuplicate_SameJsonBytesAsBefore()
    {
        await using var host = await TestServerHost.StartAsync();

        var first = await AnswerAsync(host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));
        var again = await AnswerAsync(host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal((HttpStatusCode.OK, JsonUtf8, """{"accepted":1,"duplicates":0}"""), first);
        Assert.Equal((HttpStatusCode.OK, JsonUtf8, """{"accepted":0,"duplicates":1}"""), again);
    }

    [Theory]
    [InlineData("/webhooks/infobip/tiktok", "X-Infobip-Signature")]
    [InlineData("/webhooks/infobip/reports", "X-Infobip-Signature")]
    [InlineData("/webhooks/tiktok", "Tiktok-Signature")]
    [InlineData("/webhooks/leads", "X-Lead-Signature")]
    public async Task Post_Unsigned_401WithTheSameJsonBytes(string path, string header)
    {
        await using var host = await TestServerHost.StartAsync();

        var answer = await AnswerAsync(host.PostAsync(path, Payloads.InfobipText));

        // ASP.NET Core's JSON options leave the apostrophe unescaped.
        Assert.Equal((HttpStatusCode.Unauthorized, JsonUtf8, $$"""{"error":"missing signature header '{{header}}'"}"""), answer);
    }

    [Fact]
    public async Task InfobipTikTok_WrongSignature_401SignatureMismatch()
    {
        await using var host = await TestServerHost.StartAsync();

        var answer = await AnswerAsync(host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText, new string('0', 64)));

        Assert.Equal((HttpStatusCode.Unauthorized, JsonUtf8, """{"error":"signature mismatch"}"""), answer);
    }

    [Fact]
    public async Task InfobipTikTok_Malformed_400WithTheSameJsonBytes()
    {
        await using var host = await TestServerHost.StartAsync();
        const string json = """{"results":[{"messageId":"m","message":{"type":"TEXT","conversationId":"c","text":"x"}}]}""";

        var answer = await AnswerAsync(host.PostInfobipAsync("/webhooks/infobip/tiktok", json));

        Assert.Equal((HttpStatusCode.BadRequest, JsonUtf8, """{"error":"missing results[0].sender"}"""), answer);
    }

    [Fact]
    public async Task InfobipTikTok_DeclaredLengthOverTheLimit_413WithTheSameJsonBytes()
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:MaxBodyBytes"] = "64" });

        var answer = await AnswerAsync(host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, JsonUtf8, """{"error":"body too large"}"""), answer);
    }

    [Theory]
    [InlineData(64, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(1_000_000, HttpStatusCode.OK)]
    public async Task InfobipTikTok_BodyWithoutDeclaredLength_ReadWholeOrRefusedOverTheLimit(int maxBodyBytes, HttpStatusCode expected)
    {
        await using var host = await TestServerHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:MaxBodyBytes"] = maxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var bytes = Encoding.UTF8.GetBytes(Payloads.InfobipText);
        // A stream of unknown length: the request goes without Content-Length (chunked), read to its end.
        using var content = new StreamContent(new UnknownLengthStream(bytes), 7);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/infobip/tiktok") { Content = content };
        request.Headers.TryAddWithoutValidation("X-Infobip-Signature", Signatures.HmacHex(TestServerHost.InfobipSecret, Payloads.InfobipText));

        var answer = await AnswerAsync(host.Client.SendAsync(request));

        Assert.Equal(expected == HttpStatusCode.OK
            ? (HttpStatusCode.OK, JsonUtf8, """{"accepted":1,"duplicates":0}""")
            : (HttpStatusCode.RequestEntityTooLarge, JsonUtf8, """{"error":"body too large"}"""), answer);
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, host.Sink.Records.Count);
    }

    [Fact]
    public async Task Webhook_SinkRefuses_503WithTheSameJsonBytes()
    {
        await using var host = await TestServerHost.StartAsync(sink: new RecordingSink { Refuse = true });

        var answer = await AnswerAsync(host.PostInfobipAsync("/webhooks/infobip/tiktok", Payloads.InfobipText));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, JsonUtf8, """{"error":"could not take the records now; retry later"}"""), answer);
    }

    /// <summary>A readable stream that does not say its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
