using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using FlowAutomation.Server.Sending;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>A request the fake provider received.</summary>
internal sealed record ProviderRequest(string Method, string Path, string? Authorization, string? ContentType, string Body);

/// <summary>
/// A stand-in for Infobip's API: Kestrel on 127.0.0.1 with an ephemeral port. It records every request (and each
/// message in it) and answers from a queue of scripted responses (then 200 with a PENDING entry per message: a
/// one-message request's entry has the id <c>prov-N</c>, N counting requests; a multi-message request's entries carry
/// our <c>messageId</c>s, as Infobip's do).
/// </summary>
internal sealed class FakeInfobip : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _responses = new();
    private readonly ConcurrentQueue<ProviderRequest> _requests = new();
    private readonly ConcurrentQueue<JsonElement> _messages = new();
    private readonly List<(Func<string, bool> Matches, int Status, string Body)> _responsesWhen = [];
    private LoopbackServer _server = null!;
    private TaskCompletionSource _requestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string BaseUrl => _server.BaseUrl;

    public IReadOnlyList<ProviderRequest> Requests => [.. _requests];

    /// <summary>Every message of every request (its <c>messages</c> entry), in the order the requests were recorded.</summary>
    public IReadOnlyList<JsonElement> Messages => [.. _messages];

    /// <summary>Completes when the next request has been recorded.</summary>
    public Task RequestArrived => _requestArrived.Task;

    public static async Task<FakeInfobip> StartAsync()
    {
        var fake = new FakeInfobip();
        fake._server = await LoopbackServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    public void Respond(int status, string body = "", string? retryAfter = null) => _responses.Enqueue(async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
            context.Response.Headers.RetryAfter = retryAfter;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    });

    /// <summary>Once the scripted queue is empty, answers the first request whose body <paramref name="matches"/> with this (once).</summary>
    public void RespondWhen(Func<string, bool> matches, int status, string body)
    {
        lock (_responsesWhen)
            _responsesWhen.Add((matches, status, body));
    }

    /// <summary>Holds the request open until the client gives up (used for timeouts).</summary>
    public void Hang() => _responses.Enqueue(async context =>
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = context.RequestAborted.Register(() => closed.TrySetResult());
        await closed.Task;
    });

    public static string Accepted(string messageId) => AcceptedAll([messageId]);

    /// <summary>A 200 answer with a PENDING entry for each of <paramref name="messageIds"/>.</summary>
    public static string AcceptedAll(IEnumerable<string> messageIds) =>
        """{"bulkId":"bulk-1","messages":[""" + string.Join(",", messageIds.Select(id => Entry(id, "PENDING"))) + "]}";

    /// <summary>One answer entry: <c>PENDING</c> (sent) or <c>REJECTED</c>.</summary>
    public static string Entry(string messageId, string groupName, string destination = "user-1") => groupName == "REJECTED"
        ? $$"""{"messageId":"{{messageId}}","status":{"groupId":5,"groupName":"REJECTED","id":6,"name":"REJECTED_DESTINATION_NOT_REGISTERED","description":"Destination not registered"},"destination":"{{destination}}"}"""
        : $$"""{"messageId":"{{messageId}}","status":{"groupId":1,"groupName":"PENDING","id":7,"name":"PENDING_ENROUTE","description":"Message sent to next instance"},"destination":"{{destination}}"}""";

    /// <summary>A sender wired to this fake through a real <see cref="IHttpClientFactory"/>.</summary>
    public InfobipTikTokSender CreateSender(TimeProvider time, Action<InfobipOptions>? configure = null)
    {
        var options = new InfobipOptions { BaseUrl = BaseUrl, ApiKey = "test-key", Sender = "biz-1", Timeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        var services = new ServiceCollection();
        services.AddHttpClient(InfobipOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        var factory = services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new InfobipTikTokSender(factory, Options.Create(options), time);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var messages = MessagesOf(body);
        lock (_messages)
        {
            foreach (var message in messages)
                _messages.Enqueue(message);
            _requests.Enqueue(new ProviderRequest(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization, context.Request.ContentType, body));
        }
        Interlocked.Exchange(ref _requestArrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_responses.TryDequeue(out var respond))
        {
            await respond(context);
            return;
        }
        (Func<string, bool> Matches, int Status, string Body)? when;
        lock (_responsesWhen)
        {
            var index = _responsesWhen.FindIndex(r => r.Matches(body));
            when = index < 0 ? null : _responsesWhen[index];
            if (index >= 0)
                _responsesWhen.RemoveAt(index);
        }
        context.Response.ContentType = "application/json";
        if (when is { } scripted)
        {
            context.Response.StatusCode = scripted.Status;
            await context.Response.WriteAsync(scripted.Body);
            return;
        }
        await context.Response.WriteAsync(messages.Count == 1
            ? Accepted("prov-" + _requests.Count)
            : AcceptedAll(messages.Select(m => m.GetProperty("destinations")[0].GetProperty("messageId").GetString()!)));
    }

    /// <summary>A request body's <c>messages</c> entries (none when it is not such a body).</summary>
    public static IReadOnlyList<JsonElement> MessagesOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array
                ? [.. messages.EnumerateArray().Select(m => m.Clone())]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}
