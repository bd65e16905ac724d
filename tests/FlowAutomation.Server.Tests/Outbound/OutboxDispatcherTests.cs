using System.Text.Json;
using FlowAutomation.Model;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Outbound;

public sealed class OutboxDispatcherTests : OutboxDispatcherTestBase
{
    private async Task EnqueueAsync(string id, string text = "Hello", string conversation = "conv-1", TimeSpan? life = null) =>
        await _outbox.EnqueueAsync(new OutboxMessage(id, conversation, "biz-1", "user-1", new TextContent(text), _time.GetUtcNow(), _time.GetUtcNow() + (life ?? TimeSpan.FromHours(1))));

    private IEnumerable<string> SentTexts() => _provider.Requests.Select(r =>
        JsonDocument.Parse(r.Body).RootElement.GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString()!);

    [Fact]
    public async Task DispatchDue_ProviderAccepts_MarksSentWithProviderId()
    {
        await EnqueueAsync("m1");

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(1, 1, 0, 0, 0), summary);
        var entry = await EntryAsync("m1");
        Assert.Equal((OutboxStatus.Sent, "prov-1", 1), (entry.Status, entry.ProviderMessageId, entry.Attempts));
        Assert.Equal("m1", (await _outbox.FindByProviderMessageIdAsync("prov-1"))!.Id);
    }

    [Fact]
    public async Task DispatchDue_TransientThenAccepted_RetriedAfterBackoffThenSent()
    {
        await EnqueueAsync("m1");
        _provider.Respond(503, Unavailable);
        var dispatcher = Dispatcher();

        var first = await dispatcher.DispatchDueAsync();
        var afterFirst = await EntryAsync("m1");
        _time.Advance(TimeSpan.FromMilliseconds(999));
        var tooEarly = await dispatcher.DispatchDueAsync();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var retry = await dispatcher.DispatchDueAsync();

        Assert.Equal(new DispatchSummary(1, 0, 1, 0, 0), first);
        Assert.Equal(OutboxStatus.Pending, afterFirst.Status);
        Assert.Equal(TestClock.Start.AddSeconds(1), afterFirst.NextAttemptAt);
        Assert.Equal("HTTP 503 E500: Temporarily unavailable", afterFirst.LastError);
        Assert.Equal(DispatchSummary.Empty, tooEarly);
        Assert.Equal(1, retry.Sent);
        Assert.Equal((OutboxStatus.Sent, 2), ((await EntryAsync("m1")).Status, (await EntryAsync("m1")).Attempts));
        Assert.Equal(2, _provider.Requests.Count);
    }

    [Fact]
    public async Task DispatchDue_BackoffDoubles_AndHonoursRetryAfter()
    {
        await EnqueueAsync("m1");
        _provider.Respond(503, Unavailable);
        _provider.Respond(503, Unavailable);
        _provider.Respond(429, "", retryAfter: "60");
        var dispatcher = Dispatcher();
        var delays = new List<TimeSpan>();

        for (var i = 0; i < 3; i++)
        {
            var before = _time.GetUtcNow();
            await dispatcher.DispatchDueAsync();
            var next = (await EntryAsync("m1")).NextAttemptAt;
            delays.Add(next - before);
            _time.Advance(next - before);
        }

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)], delays);
    }

    [Fact]
    public async Task DispatchDue_PermanentFailure_FailedAndNeverRetried()
    {
        await EnqueueAsync("m1");
        _provider.Respond(400, """{"errorCode":"E400","description":"Bad request"}""");
        var dispatcher = Dispatcher();

        var summary = await dispatcher.DispatchDueAsync();
        _time.Advance(TimeSpan.FromHours(1));
        var later = await dispatcher.DispatchDueAsync();

        Assert.Equal(new DispatchSummary(1, 0, 0, 1, 0), summary);
        Assert.Equal(DispatchSummary.Empty, later);
        var entry = await EntryAsync("m1");
        Assert.Equal((OutboxStatus.Failed, "HTTP 400 E400: Bad request"), (entry.Status, entry.LastError));
        Assert.Single(_provider.Requests);
    }

    [Fact]
    public async Task DispatchDue_RetryWouldFallAfterExpiry_ExpiredNotRetried()
    {
        _options.BaseDelay = TimeSpan.FromSeconds(10); // first retry 5 s later, after the 3 s expiry
        await EnqueueAsync("m1", life: TimeSpan.FromSeconds(3));
        _provider.Respond(503, Unavailable);
        var dispatcher = Dispatcher();

        var summary = await dispatcher.DispatchDueAsync();
        _time.Advance(TimeSpan.FromHours(1));
        var later = await dispatcher.DispatchDueAsync();

        Assert.Equal(new DispatchSummary(1, 0, 0, 0, 1), summary);
        Assert.Equal(DispatchSummary.Empty, later);
        var entry = await EntryAsync("m1");
        Assert.Equal(OutboxStatus.Expired, entry.Status);
        Assert.Equal("next attempt would fall after the message's expiry: HTTP 503 E500: Temporarily unavailable", entry.LastError);
        Assert.Single(_provider.Requests);
    }

    [Fact]
    public async Task DispatchDue_ExpiredWhileQueued_ExpiredWithoutARequest()
    {
        await EnqueueAsync("m1", life: TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(1));

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(1, 0, 0, 0, 1), summary);
        Assert.Equal("expired before attempt 1", (await EntryAsync("m1")).LastError);
        Assert.Empty(_provider.Requests);
    }

    [Fact]
    public async Task DispatchDue_TransientUntilMaxAttempts_GivesUp()
    {
        _options.MaxAttempts = 3;
        await EnqueueAsync("m1");
        for (var i = 0; i < 5; i++)
            _provider.Respond(502, "");
        var dispatcher = Dispatcher();

        for (var i = 0; i < 3; i++)
        {
            await dispatcher.DispatchDueAsync();
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        var after = await dispatcher.DispatchDueAsync();

        var entry = await EntryAsync("m1");
        Assert.Equal((OutboxStatus.Failed, "gave up after 3 attempts: HTTP 502"), (entry.Status, entry.LastError));
        Assert.Equal(DispatchSummary.Empty, after);
        Assert.Equal(3, _provider.Requests.Count);
    }

    [Fact]
    public async Task DispatchDue_OneConversation_SecondMessageWaitsForTheFirst()
    {
        await EnqueueAsync("m1", "first");
        await EnqueueAsync("m2", "second");
        await EnqueueAsync("m3", "other conversation", conversation: "conv-2");
        _options.MaxParallelSends = 1; // so the scripted 503 goes to "first", the older of the two claimed, sent alone
        _provider.Respond(503, Unavailable);
        var dispatcher = Dispatcher(_provider.CreateSender(_time, o => o.MessagesPerRequest = 1));

        var pass1 = await dispatcher.DispatchDueAsync();
        var pass2 = await dispatcher.DispatchDueAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await dispatcher.DispatchDueAsync();
        await dispatcher.DispatchDueAsync();

        Assert.Equal(2, pass1.Claimed);
        Assert.Equal(DispatchSummary.Empty, pass2);
        var texts = SentTexts().ToList();
        Assert.Equal(4, texts.Count);
        Assert.True(texts.IndexOf("second") > texts.LastIndexOf("first"));
        Assert.All(new[] { "m1", "m2", "m3" }, id => Assert.Equal(OutboxStatus.Sent, EntryAsync(id).Result.Status));
    }

    [Fact]
    public async Task DispatchDue_SenderThrows_TreatedAsTransient()
    {
        await EnqueueAsync("m1");

        var summary = await Dispatcher(new ThrowingSender()).DispatchDueAsync();

        Assert.Equal(1, summary.Retried);
        Assert.Equal("sender threw InvalidOperationException: boom", (await EntryAsync("m1")).LastError);
    }

    [Fact]
    public async Task DispatchDue_LeaseEndsBeforeAnEntrysTurn_EntryNeitherSentNorRecordedThenReclaimed()
    {
        _options.Lease = TimeSpan.FromSeconds(10);
        _options.MaxParallelSends = 1; // the pass sends m1, then m2
        await EnqueueAsync("m1", "first");
        await EnqueueAsync("m2", "second", conversation: "conv-2");
        // m1's send outlasts the pass's lease: by m2's turn another dispatcher may have claimed m2.
        var slow = new ClockAdvancingSender(_provider.CreateSender(_time), _time, "m1", TimeSpan.FromSeconds(11));
        var dispatcher = Dispatcher(slow);

        var pass = await dispatcher.DispatchDueAsync();
        var m2AfterPass = await EntryAsync("m2");
        var next = await dispatcher.DispatchDueAsync();

        Assert.Equal(new DispatchSummary(2, 1, 0, 0, 0), pass);
        Assert.Equal((OutboxStatus.InFlight, 1), (m2AfterPass.Status, m2AfterPass.Attempts));
        Assert.Equal(new DispatchSummary(1, 1, 0, 0, 0), next);
        Assert.Equal(["first", "second"], SentTexts());
        Assert.Equal((OutboxStatus.Sent, 2), ((await EntryAsync("m2")).Status, (await EntryAsync("m2")).Attempts));
    }

    private sealed class ClockAdvancingSender(IMessageSender inner, FakeTimeProvider time, string slowId, TimeSpan takes) : IMessageSender
    {
        public async Task<SendOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken = default)
        {
            var outcome = await inner.SendAsync(message, cancellationToken);
            if (message.Id == slowId)
                time.Advance(takes);
            return outcome;
        }
    }

    private sealed class ThrowingSender : IMessageSender
    {
        public Task<SendOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("boom");
    }
}
