using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>
/// Everything one event (or one follow-up falling due, or one agent's message) did to one conversation, handed to the
/// store as one value: the new state (its <see cref="ConversationState.Version"/> is the version it was read at, for
/// the compare-and-swap), the messages the guard allowed, the team turns <c>assign</c> took, the follow-ups to
/// schedule and to cancel, the trace (the audit records) and the work item the commit completes. A database store
/// writes all of it in one transaction; nothing of it exists without the rest.
/// </summary>
public sealed record EngineCommit(
    ConversationState State,
    IReadOnlyList<OutgoingMessage> Messages,
    IReadOnlyCollection<TeamTurn> Turns,
    IReadOnlyList<FollowUpJob> Schedule,
    IReadOnlyList<FollowUpJob> Cancel,
    IReadOnlyList<TraceRecord> Trace,
    CompletedWork? Completes)
{
    public string ConversationId => State.ConversationId;

    /// <summary>
    /// Whether <see cref="State"/> is a draft the engine made for this commit alone (see <c>ConversationState.Draft</c>):
    /// nobody else holds it and the engine leaves it once committed, so a store in memory keeps that very object
    /// (its version raised) instead of a copy.
    /// </summary>
    internal bool StateIsDraft { get; init; }
}

/// <summary>
/// The work item a commit completes, marked done in the commit's transaction so that it takes effect once even across
/// a crash: a follow-up that fell due (<see cref="FollowUpFired"/>), or a store's own item (the service's inbox row).
/// When the store finds it done already, nothing of the commit is written (<see cref="CommitResult.AlreadyDone"/>).
/// </summary>
public abstract record CompletedWork;

/// <summary>The follow-up <paramref name="JobId"/> fell due and ran: a store that keeps follow-ups marks it fired.</summary>
public sealed record FollowUpFired(string JobId) : CompletedWork;

/// <summary>What became of an <see cref="EngineCommit"/>.</summary>
public enum CommitResult
{
    /// <summary>All of it was written.</summary>
    Committed,

    /// <summary>Another writer saved the conversation (or a team's turn) first: nothing was written; the engine runs the event again.</summary>
    Conflict,

    /// <summary>The work item was completed before: nothing was written, and the engine stops.</summary>
    AlreadyDone,
}
