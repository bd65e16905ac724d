using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FlowAutomation.Model;
using FlowAutomation.Server.Common;
using FlowAutomation.Server.Storage;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Sending;

/// <summary>
/// Sends through Infobip's TikTok API: <c>POST {BaseUrl}/tiktok/1/messages</c> with <c>Authorization: App &lt;key&gt;</c>
/// and one message (sender, destination with our outbox id as <c>messageId</c>, TEXT/IMAGE/SHARE_POST content,
/// <c>options.validityPeriod</c> = the time left until the message's expiry, at most 48 h).
/// 2xx → sent with the provider's message id; 408, 429, 5xx, timeouts and network errors → transient;
/// any other 4xx (and a REJECTED status in a 2xx) → permanent.
/// </summary>
internal sealed class InfobipTikTokSender(IHttpClientFactory httpClientFactory, IOptions<InfobipOptions> options, TimeProvider time) : IMessageSender
{
    private const int MaxReasonLength = 500;

    public async Task<SendOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (!settings.IsConfigured)
            return SendOutcome.Transient("Infobip:BaseUrl and Infobip:ApiKey are not configured");
        var sender = message.Sender ?? settings.Sender;
        if (string.IsNullOrWhiteSpace(sender))
            return SendOutcome.Permanent("no sender: the message names none and Infobip:Sender is not set");

        var validity = message.ExpiresAt - time.GetUtcNow();
        if (validity > settings.MaxValidity)
            validity = settings.MaxValidity;
        var validitySeconds = (long)Math.Floor(validity.TotalSeconds);
        if (validitySeconds < 1)
            return SendOutcome.Expired("message expired before it was handed to Infobip");

        using var request = new HttpRequestMessage(HttpMethod.Post, settings.BaseUrl!.TrimEnd('/') + "/tiktok/1/messages")
        {
            Content = new ByteArrayContent(WriteBody(message, sender, validitySeconds, settings)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("App", settings.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = httpClientFactory.CreateClient(InfobipOptions.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var body = await response.Content.ReadAsStringAsync(linked.Token);
            return Classify(response, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendOutcome.Transient($"timeout after {settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException exception)
        {
            return SendOutcome.Transient(Truncate($"network error: {exception.Message}"));
        }
    }

    /// <summary>The request body as UTF-8 JSON, written straight to bytes (no JSON tree, no string): property order,
    /// escaping and numbers are those <c>JsonObject.ToJsonString()</c> gave before (test
    /// <c>WriteBody_EveryContentAndOption_SameBytesAsTheJsonTree</c>).</summary>
    internal static byte[] WriteBody(OutboxMessage message, string sender, long validitySeconds, InfobipOptions settings)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("messages");
            json.WriteStartObject();
            json.WriteString("sender", sender);
            json.WriteStartArray("destinations");
            json.WriteStartObject();
            json.WriteString("to", message.Destination);
            json.WriteString("messageId", message.Id);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("content");
            WriteContent(json, message.Content);
            json.WriteEndObject();
            json.WriteStartObject("options");
            json.WriteStartObject("validityPeriod");
            json.WriteNumber("amount", validitySeconds);
            json.WriteString("timeUnit", "SECONDS");
            json.WriteEndObject();
            json.WriteEndObject();
            WriteWebhooks(json, message, settings);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteContent(Utf8JsonWriter json, SendableContent content)
    {
        switch (content)
        {
            case TextContent text:
                json.WriteString("type", "TEXT");
                json.WriteString("text", text.Text);
                if (text.ReplyToMessageId is { } replyTo)
                    json.WriteString("replyToMessageId", replyTo);
                break;
            case ImageContent image:
                json.WriteString("type", "IMAGE");
                json.WriteString("mediaUrl", image.Url);
                break;
            case SharePostContent post:
                json.WriteString("type", "SHARE_POST");
                json.WriteString("postId", post.PostId);
                break;
            default:
                throw new ArgumentException($"Unknown content {content.GetType().Name}.", nameof(content));
        }
    }

    /// <summary>The <c>webhooks</c> object, only when it has a member.</summary>
    private static void WriteWebhooks(Utf8JsonWriter json, OutboxMessage message, InfobipOptions settings)
    {
        var delivery = string.IsNullOrWhiteSpace(settings.DeliveryReportUrl) ? null : settings.DeliveryReportUrl;
        var seen = string.IsNullOrWhiteSpace(settings.SeenReportUrl) ? null : settings.SeenReportUrl;
        if (delivery is null && seen is null && message.CallbackData is null)
            return;
        json.WriteStartObject("webhooks");
        if (delivery is not null)
        {
            json.WriteStartObject("delivery");
            json.WriteString("url", delivery);
            json.WriteEndObject();
        }
        if (seen is not null)
        {
            json.WriteStartObject("seen");
            json.WriteString("url", seen);
            json.WriteEndObject();
        }
        if (message.CallbackData is { } callbackData)
            json.WriteString("callbackData", callbackData);
        json.WriteEndObject();
    }

    internal SendOutcome Classify(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
            return ClassifyAccepted(body);
        var reason = Truncate($"HTTP {status}{ErrorText(body)}");
        return status is 408 or 429 || status >= 500
            ? SendOutcome.Transient(reason, RetryAfter(response))
            : status >= 400 ? SendOutcome.Permanent(reason) : SendOutcome.Transient(reason);
    }

    /// <summary>A 2xx means Infobip took the message: never resend it, even when its answer cannot be read.</summary>
    private static SendOutcome ClassifyAccepted(string body)
    {
        using var document = JsonFields.TryParse(Encoding.UTF8.GetBytes(body), out _);
        var first = document?.RootElement.Get("messages") is { ValueKind: JsonValueKind.Array } messages && messages.GetArrayLength() > 0 ? messages[0] : (JsonElement?)null;
        var statusObject = first?.Object("status");
        if (statusObject?.String("groupName") == "REJECTED")
            return SendOutcome.Permanent(Truncate($"rejected: {statusObject.Value.String("name")} {statusObject.Value.String("description")}".TrimEnd()));
        return SendOutcome.Sent(first?.String("messageId"));
    }

    /// <summary>Infobip's <c>{errorCode, description, violations[]}</c> or the older <c>requestError.serviceException</c>.</summary>
    private static string ErrorText(string body)
    {
        using var document = JsonFields.TryParse(Encoding.UTF8.GetBytes(body), out _);
        if (document is null)
            return "";
        var root = document.RootElement;
        var service = root.Object("requestError")?.Object("serviceException");
        var code = root.String("errorCode") ?? service?.String("messageId");
        var description = root.String("description") ?? service?.String("text");
        var text = new StringBuilder();
        if (code is not null)
            text.Append(' ').Append(code);
        if (description is not null)
            text.Append(": ").Append(description);
        if (root.Get("violations") is { ValueKind: JsonValueKind.Array } violations)
        {
            foreach (var violation in violations.EnumerateArray())
                text.Append("; ").Append(violation.String("property")).Append(' ').Append(violation.String("violation"));
        }
        return text.ToString();
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date - time.GetUtcNow() > TimeSpan.Zero => date - time.GetUtcNow(),
        _ => null,
    };

    private static string Truncate(string text) => text.Length <= MaxReasonLength ? text : text[..MaxReasonLength];
}
