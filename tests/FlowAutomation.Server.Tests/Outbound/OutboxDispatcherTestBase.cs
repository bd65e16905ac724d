using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Outbound;

/// <summary>What the dispatcher's tests share: a fake clock, an in-memory outbox, a fake Infobip and the dispatcher over them.</summary>
public abstract class OutboxDispatcherTestBase : IAsyncLifetime
{
    protected const string Unavailable = """{"errorCode":"E500","description":"Temporarily unavailable"}""";
    private protected readonly FakeTimeProvider _time = TestClock.Create();
    private protected readonly InMemoryOutbox _outbox = new();
    private protected readonly OutboxOptions _options = new() { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromMinutes(5), MaxAttempts = 5 };
    private protected FakeInfobip _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeInfobip.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    /// <summary>Jitter pinned at its lowest: the delay after attempt n is exactly BaseDelay · 2^(n-1) / 2.</summary>
    private protected OutboxDispatcher Dispatcher(IMessageSender? sender = null) =>
        new(_outbox, sender ?? _provider.CreateSender(_time), new RetryPolicy(_options, new RetryPolicyTests.FixedRandom(0)),
            Options.Create(_options), _time, NullLogger<OutboxDispatcher>.Instance);

    private protected async Task<OutboxEntry> EntryAsync(string id) => (await _outbox.FindAsync(id))!;
}
