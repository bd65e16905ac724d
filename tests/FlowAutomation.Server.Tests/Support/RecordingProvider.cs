using Microsoft.AspNetCore.Http;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>One send the fake provider accepted (answered 200): our outbox id, the customer, the text, the node's API key.</summary>
internal sealed record ProviderSend(long Seq, string MessageId, string To, string Text, string Key);

/// <summary>
/// A fake Infobip for the child-process tests, on loopback, recording every send it accepts in the order it accepted
/// them. A message counts as sent once the provider has answered 200 for its request and the answer is written; a
/// request may carry several messages, each answered with its own entry. While <see cref="Hold"/> accepts a request's
/// API key (one per node: <c>--Infobip:ApiKey</c>), the request is held open without an answer: it is cut off when
/// its sender is killed, or answered 200 by <see cref="AnswerHeldAsync"/>.
/// </summary>
internal sealed class RecordingProvider : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ProviderSend> _accepted = [];
    private readonly List<HeldSend> _held = [];
    private LoopbackServer _server = null!;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<string, bool> _hold = _ => false;
    private int _cutOff;

    public string BaseUrl => _server.BaseUrl;

    /// <summary>Which senders' requests (by API key) are held from now on; the requests held already stay held.</summary>
    public Func<string, bool> Hold
    {
        get => Volatile.Read(ref _hold);
        set => Volatile.Write(ref _hold, value);
    }

    /// <summary>Every accepted send, in the order the provider accepted them.</summary>
    public IReadOnlyList<ProviderSend> Accepted
    {
        get
        {
            lock (_gate)
                return [.. _accepted];
        }
    }

    /// <summary>The messages of the requests held open now.</summary>
    public IReadOnlyList<ProviderSend> Held
    {
        get
        {
            lock (_gate)
                return [.. _held.SelectMany(h => h.Sends)];
        }
    }

    /// <summary>Messages of held requests whose sender went away before they were answered (never accepted).</summary>
    public int CutOff => Volatile.Read(ref _cutOff);

    /// <summary>Completes at the provider's next change: a request accepted, held or cut off.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    public static async Task<RecordingProvider> StartAsync()
    {
        var provider = new RecordingProvider();
        provider._server = await LoopbackServer.StartAsync(provider.HandleAsync);
        return provider;
    }

    /// <summary>
    /// Answers 200 to the requests held now that hold a message <paramref name="which"/> accepts and returns, once each
    /// answer is written, the messages accepted (all of those requests'); requests arriving meanwhile stay held while
    /// <see cref="Hold"/> says so.
    /// </summary>
    public async Task<IReadOnlyList<ProviderSend>> AnswerHeldAsync(Func<ProviderSend, bool> which)
    {
        List<HeldSend> answering;
        lock (_gate)
        {
            answering = _held.Where(h => h.Sends.Any(which)).ToList();
            foreach (var held in answering)
                _held.Remove(held);
        }
        foreach (var held in answering)
            held.Answer.TrySetResult(true);
        var written = await Task.WhenAll(answering.Select(h => h.Written.Task));
        return [.. answering.Where((_, i) => written[i]).SelectMany(h => h.Sends)];
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var key = context.Request.Headers.Authorization.ToString().Replace("App ", "", StringComparison.Ordinal);
        var sends = FakeInfobip.MessagesOf(body).Select(message =>
        {
            var destination = message.GetProperty("destinations")[0];
            return new ProviderSend(0, destination.GetProperty("messageId").GetString()!, destination.GetProperty("to").GetString()!,
                message.GetProperty("content").GetProperty("text").GetString() ?? "", key);
        }).ToList();

        HeldSend? held = null;
        lock (_gate)
        {
            if (Hold(key))
                _held.Add(held = new HeldSend(sends));
        }
        if (held is not null)
        {
            Signal();
            bool answered;
            using (context.RequestAborted.Register(() => held.Answer.TrySetResult(false)))
                answered = await held.Answer.Task;
            if (!answered)
            {
                lock (_gate)
                    _held.Remove(held);
                held.Written.TrySetResult(false);
                Interlocked.Add(ref _cutOff, sends.Count);
                Signal();
                return; // never answered: not sent
            }
        }

        var accepted = false;
        try
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(sends.Count == 1
                ? FakeInfobip.Accepted("prov-" + sends[0].MessageId)
                : FakeInfobip.AcceptedAll(sends.Select(s => s.MessageId)));
            await context.Response.CompleteAsync();
            accepted = true;
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or InvalidOperationException)
        {
            // the sender went away while the answer was written: not accepted
        }
        if (accepted)
        {
            lock (_gate)
            {
                foreach (var send in sends)
                    _accepted.Add(send with { Seq = _accepted.Count + 1 });
            }
        }
        held?.Written.TrySetResult(accepted);
        Signal();
    }

    private void Signal() =>
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var held in _held)
                held.Answer.TrySetResult(false);
        }
        await _server.DisposeAsync();
    }

    /// <summary>A held request: its messages, and its answer.</summary>
    private sealed class HeldSend(IReadOnlyList<ProviderSend> sends)
    {
        public IReadOnlyList<ProviderSend> Sends { get; } = sends;

        public TaskCompletionSource<bool> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
