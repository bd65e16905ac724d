using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>
/// Where the engine reads a conversation and commits what an event did to it. A commit is one value, an
/// <see cref="EngineCommit"/>: the new state (a compare-and-swap on its version, as
/// <see cref="IConversationStore.TrySaveAsync(ConversationState, CancellationToken)"/>), the messages the guard allowed,
/// the team turns its <c>assign</c> actions took, the follow-ups to schedule and cancel, the trace and the work item it
/// completes. A database store writes all of it in one transaction, so that a reservation never exists without its
/// outbox row, a turn moves only when the event's commit succeeds, and an inbox record or a follow-up takes effect once.
/// <see cref="CommitResult.Conflict"/> means another writer saved first (the conversation, or another conversation's
/// turn of the same team); the engine then runs the event again.
/// </summary>
public interface IEngineStore
{
    ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>The open conversations assigned to each agent, as <see cref="IConversationStore.CountOpenAsync"/>.</summary>
    ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken);

    /// <summary>The teams' round-robin turns, as <see cref="IConversationStore.FindTurnsAsync"/>.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken);

    /// <summary>The follow-ups still scheduled for the conversation, by due time (a reply cancels those that wait for none).</summary>
    ValueTask<IReadOnlyList<FollowUpJob>> PendingFollowUpsAsync(string conversationId, CancellationToken cancellationToken);

    ValueTask<CommitResult> CommitAsync(EngineCommit commit, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the store keeps <see cref="EngineCommit.Trace"/> (an audit, a transcript). When false the engine builds
    /// no trace records and commits an empty trace; everything else it commits is the same. True unless a store says
    /// otherwise.
    /// </summary>
    bool WantsTrace => true;
}

/// <summary>
/// An <see cref="IEngineStore"/> over parts that share no transaction: the state (with the team turns) is saved
/// first, then the messages are enqueued, the follow-ups cancelled and scheduled and the trace written. Right for
/// memory and the dry run. With an <see cref="InMemoryConversationStore"/> it keeps the engine's draft itself
/// (<see cref="EngineCommit.StateIsDraft"/>) instead of a copy. It keeps no record of completed work: <see cref="EngineCommit.Completes"/> is not checked
/// (the virtual scheduler hands each follow-up over once).
/// </summary>
public sealed class EngineStore(IConversationStore conversations, IMessageOutbox outbox, IFollowUpScheduler scheduler, ITraceSink trace) : IEngineStore
{
    /// <summary>As the trace sink says (<see cref="ITraceSink.KeepsRecords"/>).</summary>
    public bool WantsTrace => trace.KeepsRecords;

    public ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken) =>
        conversations.FindAsync(conversationId, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken) =>
        conversations.CountOpenAsync(assignees, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken) =>
        conversations.FindTurnsAsync(teams, cancellationToken);

    public ValueTask<IReadOnlyList<FollowUpJob>> PendingFollowUpsAsync(string conversationId, CancellationToken cancellationToken) =>
        scheduler.PendingAsync(conversationId, cancellationToken);

    public async ValueTask<CommitResult> CommitAsync(EngineCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        // The engine's draft is kept as it is by the store in memory (no copy); any other state is saved as usual.
        var saved = commit.StateIsDraft && conversations is InMemoryConversationStore memory
            ? memory.TryKeep(commit.State, commit.Turns)
            : await conversations.TrySaveAsync(commit.State, commit.Turns, cancellationToken).ConfigureAwait(false);
        if (saved is null)
        {
            return CommitResult.Conflict;
        }

        // Indexed loops: a foreach over an IReadOnlyList boxes its enumerator, for every commit.
        for (var i = 0; i < commit.Messages.Count; i++)
        {
            await outbox.EnqueueAsync(commit.Messages[i], cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < commit.Cancel.Count; i++)
        {
            await scheduler.CancelAsync(commit.Cancel[i].Id, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < commit.Schedule.Count; i++)
        {
            await scheduler.ScheduleAsync(commit.Schedule[i], cancellationToken).ConfigureAwait(false);
        }

        trace.WriteAll(commit.Trace); // the commit's records, under one lock where the sink takes one

        return CommitResult.Committed;
    }
}
