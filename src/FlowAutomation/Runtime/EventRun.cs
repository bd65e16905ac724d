using System.Collections.Immutable;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>
/// The work of one event (or one follow-up falling due) for one conversation, kept apart until it commits: the state
/// as the actions change it, the messages the guard allowed, the follow-ups to schedule and cancel, the trace. If the
/// commit loses a race, the run is thrown away and the event runs again from the stored state. It is also the
/// run's <see cref="IFiringHistory"/> for <c>once_per</c> (see <see cref="HasFired(string, OncePer)"/>).
/// </summary>
internal sealed class EventRun : IFiringHistory
{
    private string? _key;

    /// <param name="key">
    /// A stable key of the run, from which the ids of the messages it sends are made; null for a customer event's run,
    /// whose key is <c>{conversation}/{<see cref="EventId"/>}</c>, or <c>{conversation}/v{version read}</c> when the
    /// provider gave no id, made when the first message needs it.
    /// </param>
    public EventRun(ConversationState state, DateTimeOffset now, string? key)
    {
        State = state;
        BaseVersion = state.Version;
        Now = now;
        _key = key;
    }

    /// <summary>The provider's id of the customer event, for <see cref="Key"/>.</summary>
    public string? EventId { get; init; }

    public ConversationState State { get; set; }

    public long BaseVersion { get; }

    public DateTimeOffset Now { get; }

    /// <summary>A stable key of the event, from which the ids of the messages it sends are made.</summary>
    public string Key => _key ??= EventId is { } id
        ? $"{State.ConversationId}/{id}"
        : $"{State.ConversationId}/v{BaseVersion}";

    // The run's lists are made on their first entry: most events send, schedule and cancel little, and an untraced
    // run records nothing.
    private List<OutgoingMessage>? _outgoing;
    private List<FollowUpJob>? _schedule;
    private List<(FollowUpJob Job, string Why)>? _cancel;
    private List<TraceRecord>? _trace;

    public List<OutgoingMessage> Outgoing => _outgoing ??= [];

    public List<FollowUpJob> Schedule => _schedule ??= [];

    public List<(FollowUpJob Job, string Why)> Cancel => _cancel ??= [];

    public List<TraceRecord> Trace => _trace ??= [];

    /// <summary>
    /// Whether anyone reads the trace (<see cref="IEngineStore.WantsTrace"/>): when not, the run builds no trace records
    /// at all, and <see cref="Trace"/> stays empty. Nothing the run decides depends on it.
    /// </summary>
    public bool Traced { get; init; } = true;

    /// <summary>
    /// The team turns and open counts <c>assign</c> picks from, read before the run's first action when one of its flows
    /// picks from a team (<see cref="TeamDirectory.PicksFromTeams"/>); otherwise a book that reads nothing.
    /// </summary>
    public required TeamBook Teams { get; set; }

    /// <summary>What was found about the images the run's replies send, kept across the event's runs.</summary>
    public required ImageLookups Images { get; init; }

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

    /// <summary>The flows this run fired, each once, in the order they first fired (the event's outcome).</summary>
    public ImmutableArray<string> FiredFlows()
    {
        if (_firedNow is not { Count: > 0 } fired)
        {
            return [];
        }

        var flows = ImmutableArray.CreateBuilder<string>(fired.Count);
        var seen = fired.Count > 8 ? new HashSet<string>(StringComparer.Ordinal) : null;
        foreach (var id in fired)
        {
            if (seen?.Add(id) ?? !flows.Contains(id))
            {
                flows.Add(id);
            }
        }

        return flows.Count == flows.Capacity ? flows.MoveToImmutable() : flows.ToImmutable();
    }

    /// <summary>
    /// Everything the run did, as one value for the store: the state frozen (<see cref="Frozen"/>), the messages, the
    /// team turns taken, the follow-ups to schedule and to cancel, the trace, and the work item it completes.
    /// </summary>
    public EngineCommit ToCommit(CompletedWork? completes) => new(
        Frozen(),
        _outgoing ?? (IReadOnlyList<OutgoingMessage>)[],
        Teams.Turns,
        _schedule ?? (IReadOnlyList<FollowUpJob>)[],
        _cancel is { Count: > 0 } cancel ? [.. cancel.Select(c => c.Job)] : [],
        _trace ?? (IReadOnlyList<TraceRecord>)[],
        completes);

    bool IFiringHistory.HasFired(FlowDefinition flow, OncePer scope, FactSnapshot facts) => HasFired(flow.Id, scope);

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
            // One or two firings (most events): a path each, without a builder; more: one builder.
            var flows = state.FlowsFired;
            if (fired.Count <= 2)
            {
                foreach (var id in fired)
                {
                    flows = flows.SetItem(id, Now);
                }
            }
            else
            {
                var builder = flows.ToBuilder();
                foreach (var id in fired)
                {
                    builder[id] = Now;
                }

                flows = builder.ToImmutable();
            }

            state = state with { FlowsFired = flows };
        }

        return state.Version == BaseVersion ? state : state with { Version = BaseVersion };
    }

    /// <summary>
    /// The facts rules and templates read now: the same snapshot again while the state and the event are the same (a
    /// snapshot is a function of the two, the run's time and the engine's options); the contact's part is made again
    /// only when the state's contact fields changed.
    /// </summary>
    public FactSnapshot Facts(FlowEvent e, EngineOptions options)
    {
        var state = State;
        if (_facts is { } last && ReferenceEquals(_factsState, state) && ReferenceEquals(last.Event, e))
        {
            return last;
        }

        var contact = _contact;
        if (contact is null || !ReferenceEquals(contact.Tags, state.Tags) || !ReferenceEquals(contact.Fields, state.Fields)
            || !ReferenceEquals(contact.Name, state.ContactName) || !ReferenceEquals(contact.Country, state.ContactCountry)
            || !ReferenceEquals(contact.Language, state.ContactLanguage) || !ReferenceEquals(contact.Id, state.ContactId ?? state.ConversationId))
        {
            _contact = contact = state.Contact();
        }

        _factsState = state;
        return _facts = new(e, contact, state.ToConversationFacts(options.Policy, Now));
    }

    private ContactFacts? _contact;
    private FactSnapshot? _facts;
    private ConversationState? _factsState;
}
