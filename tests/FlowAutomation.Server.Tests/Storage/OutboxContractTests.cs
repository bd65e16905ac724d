using FlowAutomation.Model;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Tests.Storage;

/// <summary>The behaviour every <see cref="IOutbox"/> must have; each implementation's test class inherits it.</summary>
public abstract class OutboxContractTests
{
    protected static readonly DateTimeOffset T0 = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected abstract Task<IOutbox> CreateOutboxAsync();

    protected static OutboxMessage Message(string id, string? conversation = "conv-1", SendableContent? content = null, DateTimeOffset? createdAt = null, TimeSpan? life = null) =>
        new(id, conversation, "biz-1", "user-1", content ?? new TextContent("Hi " + id), createdAt ?? T0, (createdAt ?? T0) + (life ?? TimeSpan.FromHours(24)));

    [Fact]
    public async Task Enqueue_SameIdTwice_SecondIsIgnored()
    {
        var outbox = await CreateOutboxAsync();

        Assert.True(await outbox.EnqueueAsync(Message("m1")));
        Assert.False(await outbox.EnqueueAsync(Message("m1", content: new TextContent("changed"))));

        var entry = await outbox.FindAsync("m1");
        Assert.Equal(new TextContent("Hi m1"), entry!.Message.Content);
        Assert.Equal(OutboxStatus.Pending, entry.Status);
    }

    [Fact]
    public async Task Enqueue_EveryContentType_RoundTrips()
    {
        var outbox = await CreateOutboxAsync();
        var messages = new[]
        {
            Message("t", "c1", new TextContent("Hello") { ReplyToMessageId = "in-1" }) with { CallbackData = "cb" },
            Message("i", "c2", new ImageContent("https://cdn.example/a.png")),
            Message("p", "c3", new SharePostContent("7301")) with { Sender = null },
        };
        foreach (var message in messages)
            await outbox.EnqueueAsync(message);

        foreach (var message in messages)
            Assert.Equal(message, (await outbox.FindAsync(message.Id))!.Message);
    }

    [Fact]
    public async Task ClaimDue_OnlyDueEntries_BecomeInFlightWithAnAttempt()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("now", "c1"));
        await outbox.EnqueueAsync(Message("later", "c2", createdAt: T0.AddMinutes(5)));

        var claimed = await outbox.ClaimDueAsync(T0, 10, Lease);

        var entry = Assert.Single(claimed);
        Assert.Equal("now", entry.Id);
        Assert.Equal(OutboxStatus.InFlight, entry.Status);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(T0 + Lease, entry.ClaimedUntil);
        Assert.Equal(OutboxStatus.Pending, (await outbox.FindAsync("later"))!.Status);
    }

    [Fact]
    public async Task ClaimDue_AlreadyClaimed_NotClaimedAgainUntilTheLeaseEnds()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("m1"));
        await outbox.ClaimDueAsync(T0, 10, Lease);

        var during = await outbox.ClaimDueAsync(T0 + Lease - TimeSpan.FromSeconds(1), 10, Lease);
        var after = await outbox.ClaimDueAsync(T0 + Lease, 10, Lease);

        Assert.Empty(during);
        Assert.Equal(2, Assert.Single(after).Attempts);
    }

    [Fact]
    public async Task ClaimDue_MaxCount_IsHonouredOldestDueFirst()
    {
        var outbox = await CreateOutboxAsync();
        for (var i = 0; i < 5; i++)
            await outbox.EnqueueAsync(Message($"m{i}", $"c{i}", createdAt: T0.AddSeconds(-i)));

        var claimed = await outbox.ClaimDueAsync(T0, 2, Lease);

        Assert.Equal(["m4", "m3"], claimed.Select(e => e.Id));
    }

    [Fact]
    public async Task ClaimDue_OneConversation_OnlyItsOldestUnfinishedEntry()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("first", "c1"));
        await outbox.EnqueueAsync(Message("second", "c1"));
        await outbox.EnqueueAsync(Message("other", "c2"));

        var firstPass = await outbox.ClaimDueAsync(T0, 10, Lease);
        await outbox.ScheduleRetryAsync("first", T0.AddSeconds(10), "HTTP 503");
        var whileRetrying = await outbox.ClaimDueAsync(T0.AddSeconds(5), 10, Lease);
        var retry = await outbox.ClaimDueAsync(T0.AddSeconds(10), 10, Lease);
        await outbox.MarkSentAsync("first", "p-1", T0.AddSeconds(10));
        var next = await outbox.ClaimDueAsync(T0.AddSeconds(10), 10, Lease);

        Assert.Equal(["first", "other"], firstPass.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Empty(whileRetrying);
        Assert.Equal("first", Assert.Single(retry).Id);
        Assert.Equal("second", Assert.Single(next).Id);
    }

    [Fact]
    public async Task ClaimDue_NoConversation_EntriesAreIndependent()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("a", conversation: null));
        await outbox.EnqueueAsync(Message("b", conversation: null));

        Assert.Equal(2, (await outbox.ClaimDueAsync(T0, 10, Lease)).Count);
    }

    [Fact]
    public async Task MarkSent_StoresProviderIdAndIsIdempotent()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("m1"));
        await outbox.ClaimDueAsync(T0, 10, Lease);

        Assert.True(await outbox.MarkSentAsync("m1", "prov-1", T0.AddSeconds(1)));
        Assert.False(await outbox.MarkSentAsync("m1", "prov-2", T0.AddSeconds(2)));
        Assert.False(await outbox.MarkFailedAsync("m1", "late", T0.AddSeconds(2)));

        var entry = (await outbox.FindByProviderMessageIdAsync("prov-1"))!;
        Assert.Equal("m1", entry.Id);
        Assert.Equal(OutboxStatus.Sent, entry.Status);
        Assert.Equal(T0.AddSeconds(1), entry.CompletedAt);
        Assert.Null(entry.ClaimedUntil);
        Assert.Null(await outbox.FindByProviderMessageIdAsync("prov-2"));
        Assert.Empty(await outbox.ClaimDueAsync(T0.AddHours(1), 10, Lease));
    }

    [Fact]
    public async Task Marks_OnPendingOrUnknownEntries_ChangeNothing()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("m1"));

        Assert.False(await outbox.MarkSentAsync("m1", "p", T0));
        Assert.False(await outbox.MarkExpiredAsync("nope", "x", T0));
        Assert.False(await outbox.ScheduleRetryAsync("nope", T0, "x"));
        Assert.Equal(OutboxStatus.Pending, (await outbox.FindAsync("m1"))!.Status);
        Assert.Null(await outbox.FindAsync("nope"));
    }

    [Fact]
    public async Task ScheduleRetry_KeepsReasonAndIsDueAtTheGivenTime()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("m1"));
        await outbox.ClaimDueAsync(T0, 10, Lease);

        Assert.True(await outbox.ScheduleRetryAsync("m1", T0.AddSeconds(30), "HTTP 429"));

        var entry = (await outbox.FindAsync("m1"))!;
        Assert.Equal((OutboxStatus.Pending, T0.AddSeconds(30), "HTTP 429", 1), (entry.Status, entry.NextAttemptAt, entry.LastError, entry.Attempts));
        Assert.Empty(await outbox.ClaimDueAsync(T0.AddSeconds(29), 10, Lease));
        Assert.Single(await outbox.ClaimDueAsync(T0.AddSeconds(30), 10, Lease));
    }

    [Theory]
    [InlineData(OutboxStatus.Failed)]
    [InlineData(OutboxStatus.Expired)]
    public async Task MarkFailedOrExpired_KeepsReasonAndIsFinal(OutboxStatus status)
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("m1"));
        await outbox.ClaimDueAsync(T0, 10, Lease);

        var changed = status == OutboxStatus.Failed
            ? await outbox.MarkFailedAsync("m1", "HTTP 400 BAD_REQUEST", T0.AddSeconds(1))
            : await outbox.MarkExpiredAsync("m1", "expired", T0.AddSeconds(1));

        Assert.True(changed);
        var entry = (await outbox.FindAsync("m1"))!;
        Assert.Equal(status, entry.Status);
        Assert.Equal(status == OutboxStatus.Failed ? "HTTP 400 BAD_REQUEST" : "expired", entry.LastError);
        Assert.Equal(T0.AddSeconds(1), entry.CompletedAt);
        Assert.Empty(await outbox.ClaimDueAsync(T0.AddDays(1), 10, Lease));
    }

    [Fact]
    public async Task ClaimDue_ConcurrentClaimers_NeverClaimTheSameEntryTwice()
    {
        var outbox = await CreateOutboxAsync();
        for (var i = 0; i < 40; i++)
            await outbox.EnqueueAsync(Message($"m{i}", $"c{i}"));

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await outbox.ClaimDueAsync(T0, 7, Lease))));

        var ids = claims.SelectMany(c => c).Select(e => e.Id).ToList();
        Assert.Equal(40, ids.Count);
        Assert.Equal(40, ids.Distinct().Count());
    }
    [Fact]
    public async Task Record_EveryOutcome_AppliedAsItsOwnMark_OthersUnchanged()
    {
        var outbox = await CreateOutboxAsync();
        foreach (var id in new[] { "sent", "retry", "failed", "expired" })
            await outbox.EnqueueAsync(Message(id, "c-" + id));
        await outbox.ClaimDueAsync(T0, 10, Lease);
        await outbox.EnqueueAsync(Message("pending", "c-pending"));

        var changed = await outbox.RecordAsync(
        [
            OutboxOutcome.Sent("sent", "prov-1", T0.AddSeconds(1)),
            OutboxOutcome.Retry("retry", T0.AddSeconds(30), "HTTP 503"),
            OutboxOutcome.Failed("failed", "HTTP 400", T0.AddSeconds(1)),
            OutboxOutcome.Expired("expired", "expired", T0.AddSeconds(1)),
            OutboxOutcome.Sent("pending", "prov-2", T0.AddSeconds(1)),
            OutboxOutcome.Sent("unknown", "prov-3", T0.AddSeconds(1)),
        ]);

        Assert.Equal(4, changed);
        var sent = (await outbox.FindByProviderMessageIdAsync("prov-1"))!;
        Assert.Equal(("sent", OutboxStatus.Sent, T0.AddSeconds(1)), (sent.Id, sent.Status, sent.CompletedAt));
        var retry = (await outbox.FindAsync("retry"))!;
        Assert.Equal((OutboxStatus.Pending, T0.AddSeconds(30), "HTTP 503"), (retry.Status, retry.NextAttemptAt, retry.LastError));
        var failed = (await outbox.FindAsync("failed"))!;
        Assert.Equal((OutboxStatus.Failed, "HTTP 400"), (failed.Status, failed.LastError));
        var expired = (await outbox.FindAsync("expired"))!;
        Assert.Equal((OutboxStatus.Expired, "expired"), (expired.Status, expired.LastError));
        Assert.Equal(OutboxStatus.Pending, (await outbox.FindAsync("pending"))!.Status);
        Assert.Null(await outbox.FindAsync("unknown"));
    }

    [Fact]
    public async Task Record_FirstOfConversationSent_NextBecomesClaimable()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("first", "c1"));
        await outbox.EnqueueAsync(Message("second", "c1"));
        await outbox.ClaimDueAsync(T0, 10, Lease);

        await outbox.RecordAsync([OutboxOutcome.Sent("first", "p-1", T0)]);

        Assert.Equal("second", Assert.Single(await outbox.ClaimDueAsync(T0, 10, Lease)).Id);
    }

    [Fact]
    public async Task Record_SameIdTwice_OnlyTheFirstOutcomeApplied()
    {
        var outbox = await CreateOutboxAsync();
        await outbox.EnqueueAsync(Message("m1", "c1"));
        await outbox.ClaimDueAsync(T0, 10, Lease);

        var changed = await outbox.RecordAsync(
        [
            OutboxOutcome.Retry("m1", T0.AddSeconds(30), "HTTP 503"),
            OutboxOutcome.Sent("m1", "prov-1", T0.AddSeconds(1)),
        ]);

        Assert.Equal(1, changed);
        var entry = (await outbox.FindAsync("m1"))!;
        Assert.Equal((OutboxStatus.Pending, T0.AddSeconds(30), "HTTP 503", (string?)null), (entry.Status, entry.NextAttemptAt, entry.LastError, entry.ProviderMessageId));
    }

    [Fact]
    public async Task Record_AWholePassOfMixedOutcomes_EachRowChangedAsItsOwnMark()
    {
        var outbox = await CreateOutboxAsync();
        for (var i = 0; i < 300; i++)
            await outbox.EnqueueAsync(Message($"m{i}", $"c{i}"));
        var claimed = await outbox.ClaimDueAsync(T0, 300, Lease);
        await outbox.RecordAsync([.. claimed.Where(e => int.Parse(e.Id[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0)
            .Select(e => OutboxOutcome.Retry(e.Id, T0.AddSeconds(10), "HTTP 503 " + e.Id))]);
        var retried = await outbox.ClaimDueAsync(T0.AddSeconds(10), 300, Lease);

        var outcomes = claimed.Select(e => int.Parse(e.Id[1..], System.Globalization.CultureInfo.InvariantCulture) switch
        {
            var n when n % 3 == 0 => OutboxOutcome.Sent(e.Id, "prov-" + e.Id, T0.AddSeconds(11)),
            var n when n % 3 == 1 => OutboxOutcome.Sent(e.Id, null, T0.AddSeconds(2)),
            var n when n % 6 == 2 => OutboxOutcome.Failed(e.Id, "HTTP 400 " + e.Id, T0.AddSeconds(2)),
            _ => OutboxOutcome.Expired(e.Id, "expired " + e.Id, T0.AddSeconds(2)),
        }).ToList();
        var changed = await outbox.RecordAsync(outcomes);

        Assert.Equal(100, retried.Count);
        Assert.Equal(300, changed);
        Assert.Empty(await outbox.ClaimDueAsync(T0.AddDays(1), 300, Lease));
        foreach (var outcome in outcomes)
        {
            var entry = (await outbox.FindAsync(outcome.Id))!;
            var wasRetried = int.Parse(outcome.Id[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0;
            Assert.Equal(outcome.Status, entry.Status);
            Assert.Equal(outcome.At, entry.CompletedAt);
            Assert.Null(entry.ClaimedUntil);
            Assert.Equal(outcome.ProviderMessageId, entry.ProviderMessageId);
            Assert.Equal(outcome.Status == OutboxStatus.Sent ? (wasRetried ? "HTTP 503 " + outcome.Id : null) : outcome.Reason, entry.LastError);
            Assert.Equal(wasRetried ? T0.AddSeconds(10) : T0, entry.NextAttemptAt);
            Assert.Equal(wasRetried ? 2 : 1, entry.Attempts);
        }
    }

    [Fact]
    public async Task ClaimDue_ManyDueOfBothKinds_OldestDueFirstAcrossPendingAndExpiredLeases()
    {
        var outbox = await CreateOutboxAsync();
        for (var i = 0; i < 6; i++)
            await outbox.EnqueueAsync(Message($"m{i}", $"c{i}", createdAt: T0.AddSeconds(i)));
        await outbox.ClaimDueAsync(T0.AddSeconds(1), 2, Lease); // m0 and m1 in flight until T0 + 1 s + lease

        var claimed = await outbox.ClaimDueAsync(T0.AddSeconds(1) + Lease, 3, Lease);

        Assert.Equal(["m0", "m1", "m2"], claimed.Select(e => e.Id));
        Assert.Equal([2, 2, 1], claimed.Select(e => e.Attempts));
    }
}
