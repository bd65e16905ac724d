using System.Collections;
using System.Collections.Immutable;
using FlowAutomation.Guard;
using FlowAutomation.Policy;
using FlowAutomation.State;

namespace FlowAutomation.Tests.State;

/// <summary>
/// What every <see cref="IConversationStore"/> must do. The in-memory store's tests inherit this class; the SQLite and
/// PostgreSQL stores' tests inherit it too, implementing <see cref="CreateStoreAsync"/> (and, when they need
/// set-up or clean-up, xunit's <c>IAsyncLifetime</c>). Each test asks for a fresh store.
/// </summary>
public abstract class ConversationStoreContractTests
{
    /// <summary>Monday 2026-03-02 09:05 UTC, in whole milliseconds so that a database keeps it exactly.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 5, 0, TimeSpan.Zero);

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IConversationStore> CreateStoreAsync();

    [Fact]
    public async Task FindAsync_UnknownConversation_ReturnsNull()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.FindAsync("c-unknown"));
    }

    [Fact]
    public async Task TrySaveAsync_NewState_SavesVersionOne()
    {
        var store = await CreateStoreAsync();

        var saved = await store.TrySaveAsync(ConversationState.New("c-1"));

        Assert.Equal(1, saved?.Version);
        Assert.Equal(1, (await store.FindAsync("c-1"))?.Version);
    }

    [Fact]
    public async Task TrySaveAsync_CurrentVersion_SavesTheNextVersion()
    {
        var store = await CreateStoreAsync();
        var first = (await store.TrySaveAsync(ConversationState.New("c-1")))!;

        var second = await store.TrySaveAsync(first.WithTag("vip"));

        Assert.Equal(2, second?.Version);
        Assert.Contains("vip", (await store.FindAsync("c-1"))!.Tags);
    }

    [Fact]
    public async Task TrySaveAsync_StaleVersion_ReturnsNullAndKeepsTheStoredState()
    {
        var store = await CreateStoreAsync();
        var first = (await store.TrySaveAsync(ConversationState.New("c-1")))!;
        await store.TrySaveAsync(first.WithTag("winner"));

        var lost = await store.TrySaveAsync(first.WithTag("loser"));

        Assert.Null(lost);
        var stored = (await store.FindAsync("c-1"))!;
        Assert.Equal(2, stored.Version);
        Assert.Equal(["winner"], stored.Tags);
    }

    [Fact]
    public async Task TrySaveAsync_NewStateWhenOneIsStored_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        await store.TrySaveAsync(ConversationState.New("c-1").WithTag("first"));

        Assert.Null(await store.TrySaveAsync(ConversationState.New("c-1").WithTag("second")));
        Assert.Contains("first", (await store.FindAsync("c-1"))!.Tags);
    }

    [Fact]
    public async Task TrySaveAsync_TwoConversations_AreIndependent()
    {
        var store = await CreateStoreAsync();

        await store.TrySaveAsync(ConversationState.New("c-1").WithTag("one"));
        await store.TrySaveAsync(ConversationState.New("c-2").WithTag("two"));

        Assert.Equal(["one"], (await store.FindAsync("c-1"))!.Tags);
        Assert.Equal(["two"], (await store.FindAsync("c-2"))!.Tags);
    }

    [Fact]
    public async Task FindAsync_FullState_RoundTripsEveryProperty()
    {
        var store = await CreateStoreAsync();
        var profile = PolicyProfile.TikTokTiered;
        var state = ConversationState.New("c-full", "u-1001")
            .RecordLeadSubmission(T0, profile)
            .RecordInbound(T0 + TimeSpan.FromMinutes(5), profile)
            .RecordSend(T0 + TimeSpan.FromMinutes(6), afterWindow: false)
            .RecordInbound(T0 + TimeSpan.FromMinutes(7), profile)
            .RecordSend(T0 + TimeSpan.FromHours(60), afterWindow: true)
            .WithTag("vip").WithTag("hot-lead")
            .WithField("email", "ann@example.com").WithField("plan", "pro")
            .AssignTo("ana", "sales")
            .MarkReported()
            .MarkClosed()
            .BeginStretch(T0)
            .WithContact("u-1001", "Ann Lee", "SG", "en")
            .RecordFired("welcome", T0 + TimeSpan.FromMinutes(5))
            .RecordFired("price-inquiry", T0 + TimeSpan.FromMinutes(7));

        await store.TrySaveAsync(state);
        var found = (await store.FindAsync("c-full"))!;

        AssertSameState(state with { Version = 1 }, found);
        Assert.Contains("VIP", found.Tags);
        Assert.Equal("ann@example.com", found.Fields["EMAIL"]);
    }

    [Fact]
    public async Task DecideAsync_64ConcurrentSendsForOneConversation_AllowsExactlyTheQuota()
    {
        var store = await CreateStoreAsync();
        var guard = new ConversationGuard(store, PolicyProfile.TikTok);
        await guard.RecordInboundAsync("c-race", T0);

        var decisions = await RunAtOnce(64, _ => guard.DecideAsync("c-race", MessageDraft.ForText("Hi!"), T0 + TimeSpan.FromMinutes(1)).AsTask());

        Assert.Equal(10, decisions.Count(d => d.IsAllowed));
        Assert.All(decisions.Where(d => !d.IsAllowed), d => Assert.Equal(GuardReason.QuotaExhausted, d.Reason));
        Assert.Equal(Enumerable.Range(1, 10), decisions.Where(d => d.IsAllowed).Select(d => d.MessagesUsed).Order());
        var stored = (await store.FindAsync("c-race"))!;
        Assert.Equal(10, stored.WindowSends);
        Assert.Equal(11, stored.Version);
    }

    [Fact]
    public async Task UpdateAsync_64ConcurrentChangesToOneConversation_LosesNone()
    {
        var store = await CreateStoreAsync();

        await RunAtOnce(64, i => store.UpdateAsync("c-tags", s => s.WithTag($"t{i}")).AsTask());

        var stored = (await store.FindAsync("c-tags"))!;
        Assert.Equal(64, stored.Tags.Count);
        Assert.Equal(64, stored.Version);
    }

    [Fact]
    public async Task CountOpenAsync_AssignedConversations_CountsTheOpenOnesOfEachAgent()
    {
        var store = await CreateStoreAsync();
        await store.TrySaveAsync(ConversationState.New("c-1").AssignTo("ana", "sales"));
        await store.TrySaveAsync(ConversationState.New("c-2").AssignTo("ana", "sales").MarkClosed());
        await store.TrySaveAsync(ConversationState.New("c-3").AssignTo("ana", null));
        await store.TrySaveAsync(ConversationState.New("c-4").AssignTo("ben", "sales"));
        await store.TrySaveAsync(ConversationState.New("c-5").AssignTo(null, "sales"));

        var counts = await store.CountOpenAsync(["ana", "ben", "cy"]);

        Assert.Equal([("ana", 2), ("ben", 1), ("cy", 0)], counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)));
    }

    [Fact]
    public async Task CountOpenAsync_ConversationClosedThenReopened_CountsItOnlyWhileOpen()
    {
        var store = await CreateStoreAsync();
        var open = (await store.TrySaveAsync(ConversationState.New("c-1").AssignTo("ana", "sales")))!;
        var closed = (await store.TrySaveAsync(open.MarkClosed()))!;

        var whileClosed = (await store.CountOpenAsync(["ana"]))["ana"];
        await store.TrySaveAsync(closed.RecordInbound(T0, PolicyProfile.TikTok));

        Assert.Equal(0, whileClosed);
        Assert.Equal(1, (await store.CountOpenAsync(["ana"]))["ana"]);
    }

    [Fact]
    public async Task FindTurnsAsync_TeamNeverTurned_IsZero()
    {
        var store = await CreateStoreAsync();

        var turns = await store.FindTurnsAsync(["sales"]);

        Assert.Equal(0, turns["sales"]);
    }

    [Fact]
    public async Task TrySaveAsync_WithTurns_MovesTheTurnsWithTheState()
    {
        var store = await CreateStoreAsync();
        await store.TrySaveAsync(ConversationState.New("c-1").AssignTo("ana", "sales"), [new TeamTurn("sales", 0, 1)]);

        var saved = await store.TrySaveAsync(ConversationState.New("c-2").AssignTo("ben", "sales"), [new TeamTurn("sales", 1, 2), new TeamTurn("vip", 0, 1)]);

        Assert.Equal(1, saved?.Version);
        var turns = await store.FindTurnsAsync(["sales", "vip"]);
        Assert.Equal((2, 1), (turns["sales"], turns["vip"]));
    }

    [Fact]
    public async Task TrySaveAsync_TurnMovedByAnotherWriter_ReturnsNullAndSavesNothing()
    {
        var store = await CreateStoreAsync();
        var first = (await store.TrySaveAsync(ConversationState.New("c-1")))!;
        await store.TrySaveAsync(ConversationState.New("c-2").AssignTo("ana", "sales"), [new TeamTurn("sales", 0, 1)]);

        var lost = await store.TrySaveAsync(first.AssignTo("ana", "sales"), [new TeamTurn("sales", 0, 1), new TeamTurn("vip", 0, 1)]);

        Assert.Null(lost);
        Assert.Null((await store.FindAsync("c-1"))!.Assignee);
        Assert.Equal(1, (await store.FindAsync("c-1"))!.Version);
        var turns = await store.FindTurnsAsync(["sales", "vip"]);
        Assert.Equal((1, 0), (turns["sales"], turns["vip"]));
    }

    [Fact]
    public async Task TrySaveAsync_StaleVersionWithTurns_MovesNoTurn()
    {
        var store = await CreateStoreAsync();
        var first = (await store.TrySaveAsync(ConversationState.New("c-1")))!;
        await store.TrySaveAsync(first.WithTag("winner"));

        var lost = await store.TrySaveAsync(first.AssignTo("ana", "sales"), [new TeamTurn("sales", 0, 1)]);

        Assert.Null(lost);
        Assert.Equal(0, (await store.FindTurnsAsync(["sales"]))["sales"]);
    }

    [Fact]
    public async Task TrySaveAsync_64ConversationsTakingTurnsAtOnce_GiveEachTurnOnce()
    {
        var store = await CreateStoreAsync();

        var taken = await RunAtOnce(64, async i =>
        {
            for (var attempt = 0; attempt < ConversationStoreExtensions.MaxAttempts; attempt++)
            {
                var turn = (await store.FindTurnsAsync(["sales"]))["sales"];
                if (await store.TrySaveAsync(ConversationState.New($"c-{i}").WithField("turn", $"{turn}"), [new TeamTurn("sales", turn, turn + 1)]) is not null)
                    return turn;
            }

            throw new InvalidOperationException("the turn kept moving");
        });

        Assert.Equal(Enumerable.Range(0, 64).Select(i => (long)i), taken.Order());
        Assert.Equal(64, (await store.FindTurnsAsync(["sales"]))["sales"]);
    }

    /// <summary>Compares every public property (so that a new one is covered without touching this test), except the version.</summary>
    protected static void AssertSameState(ConversationState expected, ConversationState actual)
    {
        foreach (var property in typeof(ConversationState).GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            var (e, a) = (property.GetValue(expected), property.GetValue(actual));
            switch (e)
            {
                case ImmutableHashSet<string> set:
                    Assert.True(set.SetEquals((IEnumerable<string>)a!), $"{property.Name} differs");
                    break;
                case ImmutableDictionary<string, string> map:
                    Assert.Equal(map.OrderBy(p => p.Key, StringComparer.Ordinal), ((IEnumerable<KeyValuePair<string, string>>)a!).OrderBy(p => p.Key, StringComparer.Ordinal));
                    break;
                case FlowFiringDictionary times:
                    Assert.Equal(times.ToArray(), ((FlowFiringDictionary)a!).ToArray()); // both in ordinal order of the ids
                    break;
                case IEnumerable and not string:
                    throw new InvalidOperationException($"add a comparison for {property.Name}");
                default:
                    Assert.True(Equals(e, a), $"{property.Name}: expected {e}, found {a}");
                    break;
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> operations on their own threads and releases them together through a barrier,
    /// so that they really race (the thread pool on a small machine would run them nearly one by one).
    /// </summary>
    private static async Task<T[]> RunAtOnce<T>(int count, Func<int, Task<T>> operation)
    {
        using var barrier = new Barrier(count);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(
            () =>
            {
                barrier.SignalAndWait();
                return operation(i);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToArray();
        return await Task.WhenAll(tasks);
    }

    private static Task RunAtOnce(int count, Func<int, Task> operation) =>
        RunAtOnce(count, async i =>
        {
            await operation(i);
            return 0;
        });
}
