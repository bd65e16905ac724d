using FlowAutomation.Model;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Tests.Outbound;

public sealed class OutboxDispatcherServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly WatchedClock _time = new();
    private readonly InMemoryOutbox _outbox = new();
    private readonly OutboxSignal _signal = new();
    private readonly OutboxOptions _options = new() { PollInterval = TimeSpan.FromSeconds(5) };
    private FakeInfobip _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeInfobip.StartAsync();

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        _signal.Dispose();
    }

    private OutboxDispatcherService Service(InfobipOptions? infobip = null)
    {
        var sender = _provider.CreateSender(_time);
        var dispatcher = new OutboxDispatcher(_outbox, sender, new RetryPolicy(_options, new Random(1)), Options.Create(_options), _time, NullLogger<OutboxDispatcher>.Instance);
        infobip ??= new InfobipOptions { BaseUrl = _provider.BaseUrl, ApiKey = "k" };
        return new OutboxDispatcherService(dispatcher, sender, _signal, Options.Create(_options), Options.Create(infobip), _time, NullLogger<OutboxDispatcherService>.Instance);
    }

    private Task EnqueueAsync(string id) =>
        _outbox.EnqueueAsync(new OutboxMessage(id, "conv-" + id, "biz-1", "user-1", new TextContent("hi"), _time.GetUtcNow(), _time.GetUtcNow().AddHours(1))).AsTask();

    /// <summary>Waits (without sleeping) until the idle service has armed its poll timer.</summary>
    private Task WhenIdleAsync() => _time.TimerArmed;

    [Fact]
    public async Task Run_EnqueueAndSignal_SendsWithoutWaitingForThePoll()
    {
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        await WhenIdleAsync().WaitAsync(Guard);
        var arrived = _provider.RequestArrived;

        await EnqueueAsync("m1");
        _signal.Notify();
        await arrived.WaitAsync(Guard);
        await service.StopAsync(CancellationToken.None);

        Assert.Single(_provider.Requests);
    }

    [Fact]
    public async Task Run_EnqueueWithoutSignal_SentAtTheNextPoll()
    {
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        await WhenIdleAsync().WaitAsync(Guard);
        await EnqueueAsync("m1");
        var arrived = _provider.RequestArrived;

        Assert.Empty(_provider.Requests);
        _time.Advance(_options.PollInterval);
        await arrived.WaitAsync(Guard);
        await service.StopAsync(CancellationToken.None);

        Assert.Single(_provider.Requests);
    }

    [Fact]
    public async Task Run_InfobipNotConfigured_StaysIdle()
    {
        using var service = Service(new InfobipOptions());
        await EnqueueAsync("m1");

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(Guard);

        Assert.Equal(OutboxStatus.Pending, (await _outbox.FindAsync("m1"))!.Status);
        Assert.Empty(_provider.Requests);
    }

    /// <summary>The test clock, telling when the service arms a timer (its idle wait for the next poll).</summary>
    private sealed class WatchedClock() : FakeTimeProvider(TestClock.Start)
    {
        private readonly TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerArmed => _armed.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _armed.TrySetResult();
            return timer;
        }
    }
}
