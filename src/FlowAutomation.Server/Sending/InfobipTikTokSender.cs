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
/// and one message or, from <see cref="SendManyAsync"/>, up to <see cref="InfobipOptions.MessagesPerRequest"/> (each:
/// sender, destination with our outbox id as <c>messageId</c>, TEXT/IMAGE/SHARE_POST content,
/// <c>options.validityPeriod</c> = the time left until the message's expiry, at most 48 h).
/// 2xx → sent with the provider's message id; 408, 429, 5xx, timeouts and network errors → transient;
/// any other 4xx (and a REJECTED status in a 2xx) → permanent.
/// </summary>
internal sealed class InfobipTikTokSender(IHttpClientFactory httpClientFactory, IOptions<InfobipOptions> options, TimeProvider time) : IMessageSender
{
    private const int MaxReasonLength = 500;

    public int MessagesPerRequest => options.Value.MessagesPerRequest;

    public async Task<SendOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var prepared = Prepare(message, settings);
        if (prepared.Outcome is { } refused)
            return refused;
        var (response, failure) = await PostAsync(WriteBody(message, prepared.Sender!, prepared.ValiditySeconds, settings), settings, cancellationToken);
        return failure ?? Classify(response!.Value.Status, response.Value.Body, response.Value.RetryAfter);
    }

    /// <summary>
    /// One request for all the messages that can be sent (a message without a sender or already expired gets its
    /// own outcome, unsent). Each accepted message's outcome comes from its own entry in the answer (matched by our
    /// <c>messageId</c>, else by destination: <see cref="MatchEntries"/>); a transient failure of the request is every message's; any other 4xx may name one message
    /// only, so the request's messages are then sent one by one, each classified on its own.
    /// </summary>
    public async Task<IReadOnlyList<SendOutcome>> SendManyAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var outcomes = new SendOutcome[messages.Count];
        var ready = new List<(int Index, OutboxMessage Message, string Sender, long ValiditySeconds)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var prepared = Prepare(messages[i], settings);
            if (prepared.Outcome is { } refused)
                outcomes[i] = refused;
            else
                ready.Add((i, messages[i], prepared.Sender!, prepared.ValiditySeconds));
        }
        if (ready.Count == 1)
            outcomes[ready[0].Index] = await SendAsync(ready[0].Message, cancellationToken);
        if (ready.Count <= 1)
            return outcomes;

        var (response, failure) = await PostAsync(WriteBody([.. ready.Select(r => (r.Message, r.Sender, r.ValiditySeconds))], settings), settings, cancellationToken);
        if (response is { Status: >= 200 and < 300 } accepted)
        {
            var entries = MatchEntries([.. ready.Select(r => r.Message)], accepted.Body);
            for (var i = 0; i < ready.Count; i++)
                outcomes[ready[i].Index] = ClassifyAccepted(entries[i]);
            return outcomes;
        }
        var common = failure ?? Classify(response!.Value.Status, response.Value.Body, response.Value.RetryAfter);
        if (common.Kind == SendOutcomeKind.Permanent)
        {
            // A refusal that is not transient may be about one message only: each is sent on its own and classified alone.
            var single = await Task.WhenAll(ready.Select(r => SendAsync(r.Message, cancellationToken)));
            for (var i = 0; i < ready.Count; i++)
                outcomes[ready[i].Index] = single[i];
            return outcomes;
        }
        foreach (var r in ready)
            outcomes[r.Index] = common;
        return outcomes;
    }

    /// <summary>The sender and validity a message is sent with, or its outcome when it cannot be sent.</summary>
    private (SendOutcome? Outcome, string? Sender, long ValiditySeconds) Prepare(OutboxMessage message, InfobipOptions settings)
    {
        if (!settings.IsConfigured)
            return (SendOutcome.Transient("Infobip:BaseUrl and Infobip:ApiKey are not configured"), null, 0);
        var sender = message.Sender ?? settings.Sender;
        if (string.IsNullOrWhiteSpace(sender))
            return (SendOutcome.Permanent("no sender: the message names none and Infobip:Sender is not set"), null, 0);

        var validity = message.ExpiresAt - time.GetUtcNow();
        if (validity > settings.MaxValidity)
            validity = settings.MaxValidity;
        var validitySeconds = (long)Math.Floor(validity.TotalSeconds);
        if (validitySeconds < 1)
            return (SendOutcome.Expired("message expired before it was handed to Infobip"), null, 0);
        return (null, sender, validitySeconds);
    }

    /// <summary>Posts a request body: the answer (status, body, Retry-After), or the transient outcome of a timeout or network failure.</summary>
    private async Task<((int Status, string Body, TimeSpan? RetryAfter)? Response, SendOutcome? Failure)> PostAsync(byte[] body, InfobipOptions settings, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.BaseUrl!.TrimEnd('/') + "/tiktok/1/messages")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("App", settings.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = httpClientFactory.CreateClient(InfobipOptions.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            return (((int)response.StatusCode, text, RetryAfter(response)), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, SendOutcome.Transient($"timeout after {settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"));
        }
        catch (HttpRequestException exception)
        {
            return (null, SendOutcome.Transient(Truncate($"network error: {exception.Message}")));
        }
    }

    /// <summary>The request body as UTF-8 JSON, written straight to bytes (no JSON tree, no string): property order,
    /// escaping and numbers are those <c>JsonObject.ToJsonString()</c> gave before (test
    /// <c>WriteBody_EveryContentAndOption_SameBytesAsTheJsonTree</c>).</summary>
    internal static byte[] WriteBody(OutboxMessage message, string sender, long validitySeconds, InfobipOptions settings) =>
        WriteBody([(message, sender, validitySeconds)], settings);

    /// <summary>As <see cref="WriteBody(OutboxMessage, string, long, InfobipOptions)"/>, one <c>messages</c> entry per message.</summary>
    internal static byte[] WriteBody(IReadOnlyList<(OutboxMessage Message, string Sender, long ValiditySeconds)> messages, InfobipOptions settings)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * messages.Count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("messages");
            foreach (var (message, sender, validitySeconds) in messages)
                WriteMessage(json, message, sender, validitySeconds, settings);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMessage(Utf8JsonWriter json, OutboxMessage message, string sender, long validitySeconds, InfobipOptions settings)
    {
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

    internal SendOutcome Classify(HttpResponseMessage response, string body) =>
        Classify((int)response.StatusCode, body, RetryAfter(response));

    private static SendOutcome Classify(int status, string body, TimeSpan? retryAfter)
    {
        if (status is >= 200 and < 300)
            return ClassifyAccepted(FirstEntry(body));
        var reason = Truncate($"HTTP {status}{ErrorText(body)}");
        return status is 408 or 429 || status >= 500
            ? SendOutcome.Transient(reason, retryAfter)
            : status >= 400 ? SendOutcome.Permanent(reason) : SendOutcome.Transient(reason);
    }

    /// <summary>The answer's first <c>messages</c> entry (a one-message request's), if it has one.</summary>
    private static AcceptedEntry? FirstEntry(string body) => Entries(body) is [var first, ..] ? first : null;

    /// <summary>A 2xx answer's <c>messages</c> entries in order (null for one that is not an object); none when unreadable.</summary>
    private static List<AcceptedEntry?> Entries(string body)
    {
        var entries = new List<AcceptedEntry?>();
        using var document = JsonFields.TryParse(Encoding.UTF8.GetBytes(body), out _);
        if (document?.RootElement.Get("messages") is { ValueKind: JsonValueKind.Array } messages)
        {
            foreach (var message in messages.EnumerateArray())
                entries.Add(AcceptedEntry.Of(message));
        }
        return entries;
    }

    /// <summary>
    /// Each sent message's entry in a multi-message 2xx answer, or null. Infobip's API reference says the
    /// <c>messageId</c> a request gives is the message's id, so an entry is found by ours; an entry carrying none of
    /// ours (an id Infobip made up, or none) is found by its <c>destination</c> when that destination is the request's
    /// one message to it and the only such entry's.
    /// </summary>
    private static AcceptedEntry?[] MatchEntries(IReadOnlyList<OutboxMessage> sent, string body)
    {
        var entries = Entries(body).OfType<AcceptedEntry>().ToList();
        var byId = new Dictionary<string, AcceptedEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.MessageId is { } id)
                byId.TryAdd(id, entry);
        }
        var ours = sent.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var byDestination = entries
            .Where(e => e.Destination is not null && (e.MessageId is null || !ours.Contains(e.MessageId)))
            .GroupBy(e => e.Destination!, StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);
        var sentTo = sent.CountBy(m => m.Destination, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        return [.. sent.Select(m => byId.GetValueOrDefault(m.Id) ?? (sentTo[m.Destination] == 1 ? byDestination.GetValueOrDefault(m.Destination) : null))];
    }

    /// <summary>A 2xx means Infobip took the message: never resend it, even when its answer (or its entry) cannot be read.</summary>
    private static SendOutcome ClassifyAccepted(AcceptedEntry? entry) => entry is { GroupName: "REJECTED" }
        ? SendOutcome.Permanent(Truncate($"rejected: {entry.Name} {entry.Description}".TrimEnd()))
        : SendOutcome.Sent(entry?.MessageId);

    /// <summary>What one <c>messages</c> entry of a 2xx answer says.</summary>
    private sealed record AcceptedEntry(string? MessageId, string? Destination, string? GroupName, string? Name, string? Description)
    {
        public static AcceptedEntry? Of(JsonElement message)
        {
            if (message.ValueKind != JsonValueKind.Object)
                return null;
            var status = message.Object("status");
            return new AcceptedEntry(message.String("messageId"), message.String("destination"), status?.String("groupName"), status?.String("name"), status?.String("description"));
        }
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
