using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>
/// The work of one event (or one follow-up falling due) for one conversation, kept apart until it commits: the state
/// as the actions change it, the messages the guard allowed, the follow-ups to schedule and cancel, the trace. If the
/// commit loses a race, the run is thrown away and the event runs again from the stored state.
/// </summary>
internal sealed class EventRun(ConversationState state, DateTimeOffset now, string key)
{
    public ConversationState State { get; set; } = state;

    public long BaseVersion { get; } = state.Version;

    public DateTimeOffset Now { get; } = now;

    /// <summary>A stable key of the event, from which the ids of the messages it sends are made.</summary>
    public string Key { get; } = key;

    public List<OutgoingMessage> Outgoing { get; } = [];

    public List<FollowUpJob> Schedule { get; } = [];

    public List<(FollowUpJob Job, string Why)> Cancel { get; } = [];

    public List<TraceRecord> Trace { get; } = [];

    /// <summary>The team turns and open counts <c>assign</c> picks from, read when the run began.</summary>
    public required TeamBook Teams { get; init; }

    /// <summary>What was found about the images the run's replies send, kept across the event's runs.</summary>
    public required ImageLookups Images { get; init; }

    public HashSet<string> Fired { get; } = new(StringComparer.Ordinal);

    public int Sent { get; set; }

    public int Blocked { get; set; }

    private int _sequence;

    public string NextMessageId() => $"{Key}/{++_sequence}";

    public FactSnapshot Facts(FlowEvent e, EngineOptions options) =>
        new(e, State.Contact(), State.ToConversationFacts(options.Policy, Now));
}
