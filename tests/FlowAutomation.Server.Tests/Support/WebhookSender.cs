using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>Posts signed Infobip webhooks (a customer's text message) to a child node, and reads its admin API.</summary>
internal sealed class WebhookSender(string secret, string adminKey) : IDisposable
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Posts the message and requires the node's 200 (the event is in its inbox).</summary>
    public async Task PostMessageAsync(string baseUrl, string messageId, string conversationId, string user, string text)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
        var body = Payloads.InfobipMessage(messageId, conversationId, user, text, receivedAt: now);
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/webhooks/infobip/tiktok") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Infobip-Signature", Signatures.HmacHex(secret, body));
        using var response = await _client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"{baseUrl} answered {(int)response.StatusCode} to {messageId}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>GET on the admin API (<c>/api/…</c>) with the admin key.</summary>
    public async Task<JsonElement> GetAsync(string baseUrl, string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + path);
        request.Headers.Add("X-Api-Key", adminKey);
        using var response = await _client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    public void Dispose() => _client.Dispose();
}
