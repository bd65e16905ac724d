using System.Text;
using System.Text.Json;
using FlowAutomation.Model;
using FlowAutomation.Server.Outbox;
using FlowAutomation.Server.Sending;
using FlowAutomation.Server.Storage;
using FlowAutomation.Server.Tests.Support;

namespace FlowAutomation.Server.Tests.Outbound;

/// <summary>A pass's replies in multi-message requests (<see cref="InfobipOptions.MessagesPerRequest"/>).</summary>
public sealed class OutboxDispatcherBatchTests : OutboxDispatcherTestBase
{
    private const string Invalid = """{"errorCode":"E400","description":"Request cannot be processed.","violations":[{"property":"messages[1].content.text","violation":"size must be between 1 and 1000"}]}""";
    private static OutboxMessage Message(string id, string conversation, string text = "Hello", string? sender = "biz-1", TimeSpan? life = null) =>
        new(id, conversation, sender, "user-" + conversation, new TextContent(text), TestClock.Start, TestClock.Start + (life ?? TimeSpan.FromHours(1)));

    private async Task EnqueueAsync(params OutboxMessage[] messages)
    {
        foreach (var message in messages)
            await _outbox.EnqueueAsync(message);
    }

    private static string MessageId(JsonElement message) => message.GetProperty("destinations")[0].GetProperty("messageId").GetString()!;

    [Fact]
    public async Task DispatchDue_ThreeConversations_OneRequestEachMarkedSentWithItsOwnProviderId()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2"), Message("m3", "c3"));

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(3, 3, 0, 0, 0), summary);
        Assert.Single(_provider.Requests);
        Assert.Equal(["m1", "m2", "m3"], _provider.Messages.Select(MessageId));
        foreach (var id in new[] { "m1", "m2", "m3" })
            Assert.Equal((OutboxStatus.Sent, id), ((await EntryAsync(id)).Status, (await EntryAsync(id)).ProviderMessageId));
    }

    [Fact]
    public async Task DispatchDue_OneRejectedAmongAccepted_OnlyThatOneFailed()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2"), Message("m3", "c3"));
        _provider.Respond(200, $$"""{"bulkId":"b","messages":[{{FakeInfobip.Entry("m3", "PENDING")}},{{FakeInfobip.Entry("m2", "REJECTED")}},{{FakeInfobip.Entry("m1", "PENDING")}}]}""");

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(3, 2, 0, 1, 0), summary);
        var rejected = await EntryAsync("m2");
        Assert.Equal((OutboxStatus.Failed, "rejected: REJECTED_DESTINATION_NOT_REGISTERED Destination not registered"), (rejected.Status, rejected.LastError));
        Assert.Equal((OutboxStatus.Sent, "m1"), ((await EntryAsync("m1")).Status, (await EntryAsync("m1")).ProviderMessageId));
        Assert.Equal((OutboxStatus.Sent, "m3"), ((await EntryAsync("m3")).Status, (await EntryAsync("m3")).ProviderMessageId));
    }

    [Fact]
    public async Task DispatchDue_MessageMissingFromTheAnswer_SentWithoutProviderId()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2"));
        _provider.Respond(200, FakeInfobip.AcceptedAll(["m1"]));

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(2, 2, 0, 0, 0), summary);
        Assert.Equal((OutboxStatus.Sent, "m1"), ((await EntryAsync("m1")).Status, (await EntryAsync("m1")).ProviderMessageId));
        Assert.Equal((OutboxStatus.Sent, (string?)null), ((await EntryAsync("m2")).Status, (await EntryAsync("m2")).ProviderMessageId));
    }

    [Fact]
    public async Task DispatchDue_AnswerCarriesInfobipsOwnIds_EachEntryFoundByItsDestination()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2"), Message("m3", "c3"));
        _provider.Respond(200, $$"""{"bulkId":"b","messages":[{{FakeInfobip.Entry("ib-3", "PENDING", "user-c3")}},{{FakeInfobip.Entry("ib-2", "REJECTED", "user-c2")}},{{FakeInfobip.Entry("ib-1", "PENDING", "user-c1")}}]}""");

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(3, 2, 0, 1, 0), summary);
        Assert.Equal(OutboxStatus.Failed, (await EntryAsync("m2")).Status);
        Assert.Equal((OutboxStatus.Sent, "ib-1"), ((await EntryAsync("m1")).Status, (await EntryAsync("m1")).ProviderMessageId));
        Assert.Equal((OutboxStatus.Sent, "ib-3"), ((await EntryAsync("m3")).Status, (await EntryAsync("m3")).ProviderMessageId));
    }

    [Fact]
    public async Task DispatchDue_TwoMessagesToOneDestinationAnsweredWithOtherIds_NeitherTakesTheOthersEntry()
    {
        await EnqueueAsync(
            new OutboxMessage("m1", "c1", "biz-1", "user-x", new TextContent("Hello"), TestClock.Start, TestClock.Start.AddHours(1)),
            new OutboxMessage("m2", "c2", "biz-2", "user-x", new TextContent("Hello"), TestClock.Start, TestClock.Start.AddHours(1)));
        _provider.Respond(200, $$"""{"bulkId":"b","messages":[{{FakeInfobip.Entry("ib-1", "REJECTED", "user-x")}},{{FakeInfobip.Entry("ib-2", "PENDING", "user-x")}}]}""");

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Single(_provider.Requests);
        Assert.Equal(new DispatchSummary(2, 2, 0, 0, 0), summary);
        Assert.Equal((OutboxStatus.Sent, (string?)null), ((await EntryAsync("m1")).Status, (await EntryAsync("m1")).ProviderMessageId));
        Assert.Equal((OutboxStatus.Sent, (string?)null), ((await EntryAsync("m2")).Status, (await EntryAsync("m2")).ProviderMessageId));
    }

    [Fact]
    public async Task DispatchDue_EntryWithOurIdOfAnotherMessage_NotTakenByDestination()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2"));
        _provider.Respond(200, $$"""{"bulkId":"b","messages":[{{FakeInfobip.Entry("m1", "REJECTED", "user-c2")}}]}""");

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(2, 1, 0, 1, 0), summary);
        Assert.Equal(OutboxStatus.Failed, (await EntryAsync("m1")).Status);
        Assert.Equal((OutboxStatus.Sent, (string?)null), ((await EntryAsync("m2")).Status, (await EntryAsync("m2")).ProviderMessageId));
    }

    [Fact]
    public async Task DispatchDue_WholeRequest503_EveryMessageRetried()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2"), Message("m3", "c3"));
        _provider.Respond(503, Unavailable);

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(3, 0, 3, 0, 0), summary);
        Assert.Single(_provider.Requests);
        foreach (var id in new[] { "m1", "m2", "m3" })
        {
            var entry = await EntryAsync(id);
            Assert.Equal((OutboxStatus.Pending, TestClock.Start.AddSeconds(1), "HTTP 503 E500: Temporarily unavailable"), (entry.Status, entry.NextAttemptAt, entry.LastError));
        }
    }

    [Fact]
    public async Task DispatchDue_WholeRequest400_SentOneByOneOnlyTheBadOneFailed()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2", "BAD"), Message("m3", "c3"));
        _provider.Respond(400, Invalid);
        _provider.RespondWhen(body => body.Contains("\"BAD\"", StringComparison.Ordinal) && FakeInfobip.MessagesOf(body).Count == 1, 400, Invalid);

        var summary = await Dispatcher().DispatchDueAsync();

        Assert.Equal(new DispatchSummary(3, 2, 0, 1, 0), summary);
        Assert.Equal([3, 1, 1, 1], _provider.Requests.Select(r => FakeInfobip.MessagesOf(r.Body).Count));
        Assert.Equal((OutboxStatus.Failed, "HTTP 400 E400: Request cannot be processed.; messages[1].content.text size must be between 1 and 1000"),
            ((await EntryAsync("m2")).Status, (await EntryAsync("m2")).LastError));
        Assert.Equal(OutboxStatus.Sent, (await EntryAsync("m1")).Status);
        Assert.Equal(OutboxStatus.Sent, (await EntryAsync("m3")).Status);
    }

    [Fact]
    public async Task DispatchDue_OneMessagePerRequest_OneRequestEachWithTheOneMessageBody()
    {
        var messages = new[] { Message("m1", "c1"), Message("m2", "c2"), Message("m3", "c3") };
        await EnqueueAsync(messages);
        _options.MaxParallelSends = 1;

        var summary = await Dispatcher(_provider.CreateSender(_time, o => o.MessagesPerRequest = 1)).DispatchDueAsync();

        Assert.Equal(new DispatchSummary(3, 3, 0, 0, 0), summary);
        Assert.Equal(messages.Select(m => Encoding.UTF8.GetString(InfobipTikTokSender.WriteBody(m, "biz-1", 3600, new InfobipOptions()))),
            _provider.Requests.Select(r => r.Body));
        Assert.Equal(["prov-1", "prov-2", "prov-3"], (await Task.WhenAll(messages.Select(m => EntryAsync(m.Id)))).Select(e => e.ProviderMessageId));
    }

    [Fact]
    public async Task DispatchDue_TwoRepliesOfOneConversation_SecondGoesInALaterRequest()
    {
        await EnqueueAsync(Message("a1", "c1", "first"), Message("a2", "c1", "second"), Message("b1", "c2", "other"));
        var dispatcher = Dispatcher();

        var first = await dispatcher.DispatchDueAsync();
        var second = await dispatcher.DispatchDueAsync();

        Assert.Equal((2, 1), (first.Sent, second.Sent));
        Assert.Equal([["a1", "b1"], ["a2"]], _provider.Requests.Select(r => FakeInfobip.MessagesOf(r.Body).Select(MessageId).ToArray()));
    }

    [Fact]
    public async Task DispatchDue_NoSenderAndExpired_EachOnItsOwnTheRestInOneRequest()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2", sender: null), Message("m3", "c3", life: TimeSpan.FromSeconds(30)), Message("m4", "c4"));
        _time.Advance(TimeSpan.FromSeconds(30));

        var summary = await Dispatcher(_provider.CreateSender(_time, o => o.Sender = null)).DispatchDueAsync();

        Assert.Equal(new DispatchSummary(4, 2, 0, 1, 1), summary);
        Assert.Equal(["m1", "m4"], FakeInfobip.MessagesOf(Assert.Single(_provider.Requests).Body).Select(MessageId));
        Assert.Equal((OutboxStatus.Failed, "no sender: the message names none and Infobip:Sender is not set"), ((await EntryAsync("m2")).Status, (await EntryAsync("m2")).LastError));
        Assert.Equal(OutboxStatus.Expired, (await EntryAsync("m3")).Status);
    }

    [Fact]
    public async Task DispatchDue_LeaseEndsDuringTheFirstRequest_TheLaterRequestsEntriesNeitherSentNorRecorded()
    {
        await EnqueueAsync(Message("m1", "c1"), Message("m2", "c2"), Message("m3", "c3"), Message("m4", "c4"));
        _options.MaxParallelSends = 1;
        var sender = new ClockAdvancingSender(_provider.CreateSender(_time, o => o.MessagesPerRequest = 2), _time, _options.Lease);

        var summary = await Dispatcher(sender).DispatchDueAsync();

        Assert.Equal(new DispatchSummary(4, 2, 0, 0, 0), summary);
        Assert.Equal(["m1", "m2"], FakeInfobip.MessagesOf(Assert.Single(_provider.Requests).Body).Select(MessageId));
        Assert.Equal((OutboxStatus.InFlight, OutboxStatus.InFlight), ((await EntryAsync("m3")).Status, (await EntryAsync("m4")).Status));
    }

    /// <summary>Each multi-message send takes <paramref name="takes"/> on the fake clock.</summary>
    private sealed class ClockAdvancingSender(IMessageSender inner, FakeTimeProvider time, TimeSpan takes) : IMessageSender
    {
        public int MessagesPerRequest => inner.MessagesPerRequest;

        public Task<SendOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken = default) => inner.SendAsync(message, cancellationToken);

        public async Task<IReadOnlyList<SendOutcome>> SendManyAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
        {
            var outcomes = await inner.SendManyAsync(messages, cancellationToken);
            time.Advance(takes);
            return outcomes;
        }
    }
}
