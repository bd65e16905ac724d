using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// <c>assign: { team: …, strategy: … }</c> counts from the store: round-robin's turn is stored and advances only with
/// the event's commit; least_open counts the open conversations assigned to each member. So a reload, a restart
/// (a new engine on the same store) and an event that runs twice change nothing, and <c>close</c> lowers the count.
/// </summary>
public sealed class AssignmentTests
{
    private static readonly DateTimeOffset Monday10Sgt = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    /// <summary>sales (round_robin: ana, ben, cy) on "price", support (least_open: dee, eve) on "help", close on "bye".</summary>
    public const string Flows = """
        flow: sales
        on: message.received
        when: { message.text: { contains: price } }
        then:
          - assign: { team: sales, strategy: round_robin }
        ---
        flow: support
        on: message.received
        when: { message.text: { contains: help } }
        then:
          - assign: { team: support, strategy: least_open }
        ---
        flow: done
        on: message.received
        when: { message.text: { contains: bye } }
        then:
          - close
        """;

    private static readonly EngineOptions Options = new()
    {
        Teams = ImmutableDictionary<string, ImmutableArray<string>>.Empty
            .Add("sales", ["ana", "ben", "cy"])
            .Add("support", ["dee", "eve"]),
    };

    private readonly ManualTimeProvider _clock = new(Monday10Sgt);

    private FlowEngine Engine(IConversationStore store) => Engine(new EngineStore(store, new RecordingOutbox(), new VirtualFollowUpScheduler(_clock), new TraceLog()));

    private FlowEngine Engine(IEngineStore store)
    {
        var compilation = new FlowCompiler(Options.Policy).CompileTexts(("flows/assign.yaml", Flows));
        Assert.False(compilation.HasErrors);
        return new FlowEngine(compilation.Flows, store, _clock, Options);
    }

    private static Task<EventOutcome> SayAsync(FlowEngine engine, string conversation, string text) =>
        engine.HandleAsync(new InboundEvent(conversation, "u-" + conversation, FlowEvent.TextReceived(Monday10Sgt, text))).AsTask();

    private static async Task<string?> AssigneeAsync(IConversationStore store, string conversation) =>
        (await store.FindAsync(conversation))?.Assignee;

    [Fact]
    public async Task RoundRobin_ThreeConversations_TakesMembersInTurn()
    {
        var store = new InMemoryConversationStore();
        var engine = Engine(store);

        foreach (var conversation in new[] { "c-1", "c-2", "c-3", "c-4" })
            await SayAsync(engine, conversation, "price?");

        var assignees = await Task.WhenAll(new[] { "c-1", "c-2", "c-3", "c-4" }.Select(c => AssigneeAsync(store, c)));
        Assert.Equal("ana ben cy ana", string.Join(' ', assignees));
    }

    [Fact]
    public async Task RoundRobin_NewEngineOnTheSameStore_ContinuesTheTurn()
    {
        // A flow reload builds a new engine; a restart builds a new process: the turn lives in the store.
        var store = new InMemoryConversationStore();
        await SayAsync(Engine(store), "c-1", "price?");

        await SayAsync(Engine(store), "c-2", "price?");

        Assert.Equal("ben", await AssigneeAsync(store, "c-2"));
    }

    [Fact]
    public async Task RoundRobin_EventRunsAgainAfterALostCommit_AdvancesTheTurnOnce()
    {
        var store = new InMemoryConversationStore();
        var racing = new LosesFirstCommit(store, _clock);
        await SayAsync(Engine(racing), "c-1", "price?");

        await SayAsync(Engine(store), "c-2", "price?");

        Assert.Equal(1, racing.Lost);
        Assert.Equal("ana", await AssigneeAsync(store, "c-1"));
        Assert.Equal("ben", await AssigneeAsync(store, "c-2"));
    }

    [Fact]
    public async Task LeastOpen_AfterClose_CountsTheClosedConversationNoMore()
    {
        var store = new InMemoryConversationStore();
        var engine = Engine(store);
        await SayAsync(engine, "c-1", "help!");
        Assert.Equal("dee", await AssigneeAsync(store, "c-1"));

        await SayAsync(engine, "c-1", "bye");
        await SayAsync(engine, "c-2", "help!");

        Assert.Equal("dee", await AssigneeAsync(store, "c-2"));
    }

    [Fact]
    public async Task LeastOpen_NewEngineOnTheSameStore_CountsConversationsAssignedBefore()
    {
        var store = new InMemoryConversationStore();
        await SayAsync(Engine(store), "c-1", "help!");

        await SayAsync(Engine(store), "c-2", "help!");

        Assert.Equal("eve", await AssigneeAsync(store, "c-2"));
    }

    [Fact]
    public async Task LeastOpen_SameConversationAgain_DoesNotCountItselfAgainstItsAgent()
    {
        var store = new InMemoryConversationStore();
        var engine = Engine(store);
        await SayAsync(engine, "c-1", "help!");
        await SayAsync(engine, "c-2", "help!");

        await SayAsync(engine, "c-1", "help again");

        Assert.Equal(("dee", "eve"), (await AssigneeAsync(store, "c-1"), await AssigneeAsync(store, "c-2")));
    }

    [Fact]
    public async Task Handle_EventWhoseFlowsPickFromNoTeam_ReadsNoTurnsOrCounts()
    {
        var store = new CountsTeamReads(new InMemoryConversationStore(), _clock);
        var engine = Engine(store);

        await SayAsync(engine, "c-1", "hello");
        await SayAsync(engine, "c-1", "bye");
        Assert.Equal((0, 0), (store.TurnReads, store.CountReads));

        await SayAsync(engine, "c-2", "price?");
        await SayAsync(engine, "c-3", "help");
        Assert.Equal((2, 2), (store.TurnReads, store.CountReads)); // the book is read whole when a flow picks
        Assert.Equal("ana", await AssigneeAsync(store.Inner, "c-2"));
        Assert.Equal("dee", await AssigneeAsync(store.Inner, "c-3"));
    }

    /// <summary>An engine store that counts the reads of team turns and open counts.</summary>
    private sealed class CountsTeamReads(IConversationStore inner, ManualTimeProvider clock) : IEngineStore
    {
        private readonly EngineStore _store = new(inner, new RecordingOutbox(), new VirtualFollowUpScheduler(clock), new TraceLog());

        public IConversationStore Inner => inner;

        public int TurnReads { get; private set; }

        public int CountReads { get; private set; }

        public ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken) => _store.FindAsync(conversationId, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken)
        {
            CountReads++;
            return _store.CountOpenAsync(assignees, cancellationToken);
        }

        public ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken)
        {
            TurnReads++;
            return _store.FindTurnsAsync(teams, cancellationToken);
        }

        public ValueTask<IReadOnlyList<FollowUpJob>> PendingFollowUpsAsync(string conversationId, CancellationToken cancellationToken) =>
            _store.PendingFollowUpsAsync(conversationId, cancellationToken);

        public ValueTask<CommitResult> CommitAsync(EngineCommit commit, CancellationToken cancellationToken) => _store.CommitAsync(commit, cancellationToken);
    }

    /// <summary>An engine store that lets another writer save the conversation once, right before the first commit.</summary>
    private sealed class LosesFirstCommit(IConversationStore inner, ManualTimeProvider clock) : IEngineStore
    {
        private readonly EngineStore _store = new(inner, new RecordingOutbox(), new VirtualFollowUpScheduler(clock), new TraceLog());

        public int Lost { get; private set; }

        public ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken) => _store.FindAsync(conversationId, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken) =>
            _store.CountOpenAsync(assignees, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken) =>
            _store.FindTurnsAsync(teams, cancellationToken);

        public ValueTask<IReadOnlyList<FollowUpJob>> PendingFollowUpsAsync(string conversationId, CancellationToken cancellationToken) =>
            _store.PendingFollowUpsAsync(conversationId, cancellationToken);

        public async ValueTask<CommitResult> CommitAsync(EngineCommit commit, CancellationToken cancellationToken)
        {
            if (Lost == 0)
            {
                Lost++;
                await inner.UpdateAsync(commit.ConversationId, s => s.WithTag("touched"), cancellationToken);
            }

            return await _store.CommitAsync(commit, cancellationToken);
        }
    }
}
