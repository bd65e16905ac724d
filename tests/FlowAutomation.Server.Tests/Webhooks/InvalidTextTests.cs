using System.Net;
using System.Text;
using System.Text.Json;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Webhooks;

/// <summary>
/// Text that is not text — invalid UTF-8 bytes inside a JSON string, or an escaped unpaired surrogate — is a
/// malformed body: 400 with the place named, never a 500 (issue 9, item 1).
/// </summary>
public sealed class InvalidTextTests
{
    private const string Reason = "is not valid text (invalid UTF-8 or an unpaired surrogate)";

    /// <summary>Bytes a UTF-8 decoder refuses: a lone continuation byte, a cut sequence, an overlong form, an encoded surrogate, 0xFF.</summary>
    public static TheoryData<string> InvalidSequences => ["80", "C328", "E282", "C0AF", "EDA080", "FF"];

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public async Task InfobipTikTok_InvalidUtf8InAString_400NamingTheField(string hex)
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, error) = await PostAsync(host, "/webhooks/infobip/tiktok", Splice(Payloads.InfobipText, "How much", hex));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"results[0].message.text {Reason}", error);
        Assert.Empty(host.Sink.Records);
    }

    [Fact]
    public async Task InfobipReports_InvalidUtf8InAString_400NamingTheField()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, error) = await PostAsync(host, "/webhooks/infobip/reports", Splice(Payloads.InfobipDeliveryReport, "DELIVERED_TO", "C328"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"results[0].status.name {Reason}", error);
    }

    [Fact]
    public async Task Leads_InvalidUtf8InAFieldValue_400NamingTheField()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, error) = await PostAsync(host, "/webhooks/leads", Splice(Payloads.Lead, "alice@", "E282"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"fields.email {Reason}", error);
    }

    [Fact]
    public async Task Leads_InvalidUtf8InAFieldName_400NamingTheObject()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, error) = await PostAsync(host, "/webhooks/leads", Splice(Payloads.Lead, "phone_", "FF"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"a property name in fields {Reason}", error);
    }

    [Fact]
    public async Task Leads_EscapedUnpairedSurrogate_400NamingTheField()
    {
        await using var host = await TestServerHost.StartAsync();
        var body = Encoding.UTF8.GetBytes(Payloads.Lead.Replace("Alice Tan", @"Alice \ud800Tan", StringComparison.Ordinal));

        var (status, error) = await PostAsync(host, "/webhooks/leads", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"fields.full_name {Reason}", error);
    }

    [Fact]
    public async Task TikTok_InvalidUtf8InTheContentString_400NamingContent()
    {
        await using var host = await TestServerHost.StartAsync();

        var (status, error) = await PostAsync(host, "/webhooks/tiktok", Splice(Payloads.TikTok("im_receive_msg", Payloads.TikTokTextContent), "Hello", "C0AF"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"content {Reason}", error);
    }

    [Fact]
    public async Task TikTok_UnpairedSurrogateInsideTheContentDocument_400NamingTheInnerField()
    {
        await using var host = await TestServerHost.StartAsync();
        // Inside content's own JSON text the body is "\udc00Hello": valid in the envelope, invalid once content is read.
        var content = Payloads.TikTokTextContent.Replace("\"Hello\"", "\"\\udc00Hello\"", StringComparison.Ordinal);

        var (status, error) = await PostAsync(host, "/webhooks/tiktok", Encoding.UTF8.GetBytes(Payloads.TikTok("im_receive_msg", content)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"content.text.body {Reason}", error);
    }

    /// <summary>The sample's UTF-8 bytes with <paramref name="hex"/> inserted right after the first occurrence of <paramref name="marker"/>.</summary>
    private static byte[] Splice(string sample, string marker, string hex)
    {
        var bytes = Encoding.UTF8.GetBytes(sample);
        var at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) + Encoding.UTF8.GetByteCount(marker);
        Assert.True(at >= Encoding.UTF8.GetByteCount(marker), $"'{marker}' is not in the sample");
        return [.. bytes[..at], .. Convert.FromHexString(hex), .. bytes[at..]];
    }

    private static async Task<(HttpStatusCode Status, string? Error)> PostAsync(TestServerHost host, string path, byte[] body)
    {
        using var response = await host.PostSignedBytesAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && JsonDocument.Parse(text).RootElement.TryGetProperty("error", out var error) ? error.GetString() : null);
    }
}
