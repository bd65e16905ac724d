using FlowAutomation.Guard;
using FlowAutomation.Policy;
using FlowAutomation.State;
using static FlowAutomation.Tests.Guard.GuardTestData;

namespace FlowAutomation.Tests.Guard;

public sealed class ConversationGuardTests
{
    [Fact]
    public async Task DecideAsync_Allowed_SavesTheReservation()
    {
        var store = new InMemoryConversationStore();
        var guard = new ConversationGuard(store, PolicyProfile.TikTok);
        await guard.RecordInboundAsync("c-1", T0);

        var decision = await guard.DecideAsync("c-1", Hello, T0 + H(1));

        Assert.True(decision.IsAllowed);
        var stored = (await store.FindAsync("c-1"))!;
        Assert.Equal((1, 1, 2L), (stored.WindowSends, stored.OutboundCount, stored.Version));
        Assert.Equal(T0 + H(1), stored.LastOutboundAt);
    }

    [Fact]
    public async Task DecideAsync_Refused_SavesNothing()
    {
        var store = new InMemoryConversationStore();
        var guard = new ConversationGuard(store, PolicyProfile.TikTok);

        var decision = await guard.DecideAsync("c-1", Hello, T0);

        Assert.Equal(GuardReason.NotUserInitiated, decision.Reason);
        Assert.Null(await store.FindAsync("c-1"));
    }

    [Fact]
    public async Task DecideAsync_AnotherWriterUsesTheLastSlotsFirst_DecidesAgainAndRefuses()
    {
        var inner = new InMemoryConversationStore();
        var profile = PolicyProfile.TikTok;
        await inner.TrySaveAsync(SendAllowed(WroteAt(T0, profile), 9, T0, profile));
        var store = new InterleavingStore(inner, async () =>
        {
            var current = (await inner.FindAsync("c-1"))!;
            await inner.TrySaveAsync(current.RecordSend(T0, afterWindow: false));
        });
        var guard = new ConversationGuard(store, profile);

        var decision = await guard.DecideAsync("c-1", Hello, T0 + H(1));

        Assert.Equal(GuardReason.QuotaExhausted, decision.Reason);
        Assert.Equal(10, (await inner.FindAsync("c-1"))!.WindowSends);
    }

    [Fact]
    public async Task RecordLeadSubmissionAsync_LeadOpensWindow_AllowsAReply()
    {
        var guard = new ConversationGuard(new InMemoryConversationStore(), PolicyProfile.TikTok);

        await guard.RecordLeadSubmissionAsync("c-1", T0);

        Assert.True((await guard.DecideAsync("c-1", Hello, T0 + H(1))).IsAllowed);
    }

    /// <summary>A store that lets another writer save once, right before the first save it is asked for.</summary>
    private sealed class InterleavingStore(IConversationStore inner, Func<Task> otherWriter) : IConversationStore
    {
        private Func<Task>? pending = otherWriter;

        public ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken = default) =>
            inner.FindAsync(conversationId, cancellationToken);

        public async ValueTask<ConversationState?> TrySaveAsync(ConversationState state, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref pending, null) is { } writer)
            {
                await writer();
            }

            return await inner.TrySaveAsync(state, cancellationToken);
        }

        public ValueTask<ConversationState?> TrySaveAsync(ConversationState state, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the guard saves no team turns");

        public ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken = default) =>
            inner.CountOpenAsync(assignees, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken = default) =>
            inner.FindTurnsAsync(teams, cancellationToken);
    }
}
