using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    /// <summary>
    /// The conversation as the run has changed it so far: the stored state until the first change, then the run's draft
    /// (<see cref="Draft"/>). Read it afresh after a change; it is not to be kept.
    /// </summary>
    public ConversationState State { get; private set; }

    /// <summary>
    /// The state to change, in place (<c>ConversationState.Apply…</c>): the run's own draft, made from the stored state on
    /// the first change, so that one event makes one new state however many changes it has. Every read of it counts as a
    /// change (the run's facts are made again).
    /// </summary>
    public ConversationState Draft
    {
        get
        {
            if (!_drafted)
            {
                State = State.Draft();
                _drafted = true;
            }

            _facts = null; // the facts are made again from the changed state
            return State;
        }
    }

    private bool _drafted;

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

    /// <summary>The run's trace records; made with room for a traced event's usual records (its event, rules and actions).</summary>
    public List<TraceRecord> Trace => _trace ??= new(TraceCapacity);

    private const int TraceCapacity = 16;

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

    /// <summary>How the run's replies look at images.</summary>
    public required IImageInspector ImageInspector { get; init; }

    /// <summary>
    /// What was found about the images the run's replies send: made on the first image reply (most events send none),
    /// and given to the event's next run (<see cref="KnownImages"/>) when the images had to be looked at first.
    /// </summary>
    public ImageLookups Images => _images ??= new ImageLookups(ImageInspector);

    /// <summary>The run's image lookups if it made any; an earlier run's of the same event, given at the start.</summary>
    public ImageLookups? KnownImages
    {
        get => _images;
        init => _images = value;
    }

    /// <summary>Looks at the images the run's replies wanted facts for; true when there were any (the event runs again, with them).</summary>
    public ValueTask<bool> InspectWantedImagesAsync(CancellationToken cancellationToken) =>
        _images is null ? ValueTask.FromResult(false) : _images.InspectWantedAsync(cancellationToken);

    private ImageLookups? _images;

    // The flows this run fired, in order, not yet written into State's FlowsFired (see RecordFired): the first one, and
    // all of them in a list once there is a second (most events fire one flow or none).
    private const int FiredCapacity = 8;
    private string? _firedFirst;
    private List<string>? _firedAll;

    public int Sent { get; set; }

    public int Blocked { get; set; }

    /// <summary>The id of the run's next outgoing message: the run's key and the message's number in the run.</summary>
    public string NextMessageId() => $"{Key}/{(_outgoing?.Count ?? 0) + 1}";

    /// <summary>
    /// The flow fired now. Kept in the run and written into the state's <c>FlowsFired</c> once, when the run is frozen
    /// for its commit (<see cref="Frozen"/>), instead of a new state and a new dictionary path per firing;
    /// <see cref="HasFired"/> answers as the state with every firing written in would.
    /// </summary>
    [MethodImpl(Hot.Options)]
    public void RecordFired(string flowId)
    {
        if (_firedFirst is null)
        {
            _firedFirst = flowId;
        }
        else
        {
            (_firedAll ??= new(FiredCapacity) { _firedFirst }).Add(flowId);
        }
    }

    /// <summary>The flows this run fired, each once, in the order they first fired (the event's outcome).</summary>
    [MethodImpl(Hot.Options)]
    public ImmutableArray<string> FiredFlows()
    {
        if (_firedAll is not { } fired)
        {
            return _firedFirst is { } only ? [only] : [];
        }

        // The array is filled here and handed to the immutable array as it is (no builder; a second array only when a flow fired twice).
        var all = CollectionsMarshal.AsSpan(fired);
        var flows = new string[all.Length];
        var count = 0;
        var seen = all.Length > 8 ? new HashSet<string>(StringComparer.Ordinal) : null;
        foreach (var id in all)
        {
            if (seen?.Add(id) ?? Array.IndexOf(flows, id, 0, count) < 0)
            {
                flows[count++] = id;
            }
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(count == flows.Length ? flows : flows[..count]);
    }

    /// <summary>
    /// Everything the run did, as one value for the store: the state frozen (<see cref="Frozen"/>), the messages, the
    /// team turns taken, the follow-ups to schedule and to cancel, the trace, and the work item it completes.
    /// </summary>
    [MethodImpl(Hot.Options)]
    public EngineCommit ToCommit(CompletedWork? completes)
    {
        var state = Frozen();
        return new(
            state,
            _outgoing ?? (IReadOnlyList<OutgoingMessage>)[],
            Teams.Turns,
            _schedule ?? (IReadOnlyList<FollowUpJob>)[],
            _cancel is { Count: > 0 } cancel ? [.. cancel.Select(c => c.Job)] : [],
            _trace ?? (IReadOnlyList<TraceRecord>)[],
            completes)
        {
            StateIsDraft = _drafted,
        };
    }

    bool IFiringHistory.HasFired(FlowDefinition flow, OncePer scope, FactSnapshot facts) => HasFired(flow.Id, scope);

    /// <summary>As <see cref="ConversationState.HasFired"/> on the state with this run's firings written in.</summary>
    public bool HasFired(string flowId, OncePer scope) =>
        _firedFirst == flowId || (_firedAll is { } all && all.Contains(flowId))
            ? scope != OncePer.Window || (State.StretchStart is { } start && Now >= start)
            : State.HasFired(flowId, scope);

    /// <summary>
    /// The state to commit: this run's firings written in, at the version the run read (for the compare-and-swap). The
    /// run's draft when it changed anything (the firings are written into it), else the stored state itself.
    /// </summary>
    [MethodImpl(Hot.Options)]
    public ConversationState Frozen()
    {
        if (_firedAll is { } fired)
        {
            Draft.ApplyFired(CollectionsMarshal.AsSpan(fired), Now);
        }
        else if (_firedFirst is { } only)
        {
            Draft.ApplyFired(only, Now);
        }

        return State.Version == BaseVersion ? State : Draft.ApplyVersion(BaseVersion);
    }

    /// <summary>
    /// The facts rules and templates read now: the same snapshot again while the state is unchanged and the event is the
    /// same (a snapshot is a function of the two, the run's time and the engine's options); the contact's part is made
    /// again only when the state's contact fields, tags or fields changed (<see cref="ConversationState.CachedContact"/>).
    /// </summary>
    [MethodImpl(Hot.Options)]
    public FactSnapshot Facts(FlowEvent e, EngineOptions options)
    {
        var state = State;
        if (_facts is { } last && ReferenceEquals(last.Event, e))
        {
            return last;
        }

        // The contact's part from the state (made once per contact, tags and fields, and handed on from state to state); a
        // draft keeps what it made for the states drafted from it.
        var contact = state.CachedContact(keep: _drafted);
        return _facts = new(e, contact, state.ToConversationFacts(options.Policy, Now));
    }

    private FactSnapshot? _facts;
}
