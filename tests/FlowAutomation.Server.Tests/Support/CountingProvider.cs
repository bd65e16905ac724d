using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// A fake Infobip for the crash test, on loopback. While <see cref="Holding"/>, a request is held open and never
/// accepted (its sender is killed meanwhile); otherwise it is accepted (200) and counted by its <c>messageId</c>:
/// a message counts as sent once the provider has answered 200 for it.
/// </summary>
internal sealed class CountingProvider : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly ConcurrentDictionary<string, int> _accepted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _texts = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    public string BaseUrl => _server.BaseUrl;

    public volatile bool Holding;

    public int Held => Volatile.Read(ref _held);

    public IReadOnlyDictionary<string, int> Accepted => _accepted;

    public IReadOnlyDictionary<string, string> Texts => _texts;

    /// <summary>Completes at the next request (held or accepted).</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    public static async Task<CountingProvider> StartAsync()
    {
        var provider = new CountingProvider();
        provider._server = await LoopbackServer.StartAsync(provider.HandleAsync);
        return provider;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var message = JsonDocument.Parse(body).RootElement.GetProperty("messages")[0];
        var id = message.GetProperty("destinations")[0].GetProperty("messageId").GetString()!;
        if (Holding)
        {
            Interlocked.Increment(ref _held);
            Signal();
            var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (context.RequestAborted.Register(() => released.TrySetResult()))
                await released.Task;
            return; // never answered: not sent
        }
        _texts[id] = message.GetProperty("content").GetProperty("text").GetString() ?? "";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(FakeInfobip.Accepted("prov-" + id));
        _accepted.AddOrUpdate(id, 1, (_, n) => n + 1);
        Signal();
    }

    private void Signal() =>
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}
