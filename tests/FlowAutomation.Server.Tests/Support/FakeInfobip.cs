using System.Collections.Concurrent;
using System.Text;
using FlowAutomation.Server.Sending;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>A request the fake provider received.</summary>
internal sealed record ProviderRequest(string Method, string Path, string? Authorization, string? ContentType, string Body);

/// <summary>
/// A stand-in for Infobip's API: Kestrel on 127.0.0.1 with an ephemeral port. It records every request and
/// answers from a queue of scripted responses (then 200 with a PENDING message).
/// </summary>
internal sealed class FakeInfobip : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _responses = new();
    private readonly ConcurrentQueue<ProviderRequest> _requests = new();
    private LoopbackServer _server = null!;
    private TaskCompletionSource _requestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string BaseUrl => _server.BaseUrl;

    public IReadOnlyList<ProviderRequest> Requests => [.. _requests];

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

    /// <summary>Holds the request open until the client gives up (used for timeouts).</summary>
    public void Hang() => _responses.Enqueue(async context =>
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = context.RequestAborted.Register(() => closed.TrySetResult());
        await closed.Task;
    });

    public static string Accepted(string messageId) => $$"""
        {"bulkId":"bulk-1","messages":[{"messageId":"{{messageId}}","status":{"groupId":1,"groupName":"PENDING","id":7,"name":"PENDING_ENROUTE","description":"Message sent to next instance"},"destination":"user-1"}]}
        """;

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
        _requests.Enqueue(new ProviderRequest(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization, context.Request.ContentType, body));
        Interlocked.Exchange(ref _requestArrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_responses.TryDequeue(out var respond))
        {
            await respond(context);
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Accepted("prov-" + _requests.Count));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}
