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

    /// <summary>
    /// Whether anyone reads the trace (<see cref="IEngineStore.WantsTrace"/>): when not, the run builds no trace records
    /// at all, and <see cref="Trace"/> stays empty. Nothing the run decides depends on it.
    /// </summary>
    public bool Traced { get; init; } = true;

    /// <summary>The team turns and open counts <c>assign</c> picks from, read when the run began.</summary>
    public required TeamBook Teams { get; init; }

    /// <summary>What was found about the images the run's replies send, kept across the event's runs.</summary>
    public required ImageLookups Images { get; init; }

    public HashSet<string> Fired { get; } = new(StringComparer.Ordinal);

    /// <summary>The flows this run fired, in order, not yet written into <see cref="State"/>'s <c>FlowsFired</c> (see <see cref="RecordFired"/>).</summary>
    private List<string>? _firedNow;

    public int Sent { get; set; }

    public int Blocked { get; set; }

    private int _sequence;

    public string NextMessageId() => $"{Key}/{++_sequence}";

    /// <summary>
    /// The flow fired now. Kept in the run and written into the state's <c>FlowsFired</c> once, when the run is frozen
    /// for its commit (<see cref="Frozen"/>), instead of a new state and a new dictionary path per firing;
    /// <see cref="HasFired"/> answers as the state with every firing written in would.
    /// </summary>
    public void RecordFired(string flowId) => (_firedNow ??= []).Add(flowId);

    /// <summary>As <see cref="ConversationState.HasFired"/> on the state with this run's firings written in.</summary>
    public bool HasFired(string flowId, OncePer scope) =>
        _firedNow is { } now && now.Contains(flowId)
            ? scope != OncePer.Window || (State.StretchStart is { } start && Now >= start)
            : State.HasFired(flowId, scope);

    /// <summary>The state to commit: this run's firings written in, at the version the run read (for the compare-and-swap).</summary>
    public ConversationState Frozen()
    {
        var state = State;
        if (_firedNow is { Count: > 0 } fired)
        {
            var flows = state.FlowsFired.ToBuilder();
            foreach (var id in fired)
            {
                flows[id] = Now;
            }

            state = state with { FlowsFired = flows.ToImmutable() };
        }

        return state.Version == BaseVersion ? state : state with { Version = BaseVersion };
    }

    /// <summary>The facts rules and templates read now; the contact's part is made again only when the state's contact fields changed.</summary>
    public FactSnapshot Facts(FlowEvent e, EngineOptions options)
    {
        var state = State;
        var contact = _contact;
        if (contact is null || !ReferenceEquals(contact.Tags, state.Tags) || !ReferenceEquals(contact.Fields, state.Fields)
            || !ReferenceEquals(contact.Name, state.ContactName) || !ReferenceEquals(contact.Country, state.ContactCountry)
            || !ReferenceEquals(contact.Language, state.ContactLanguage) || !ReferenceEquals(contact.Id, state.ContactId ?? state.ConversationId))
        {
            _contact = contact = state.Contact();
        }

        return new(e, contact, state.ToConversationFacts(options.Policy, Now));
    }

    private ContactFacts? _contact;
}
