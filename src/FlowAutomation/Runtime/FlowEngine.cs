using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Runtime;

/// <summary>
/// A customer event for one conversation, with what the event says about the contact. <see cref="EventId"/> is the
/// provider's id of the event when it has one: the ids of the messages the event sends are made from it.
/// </summary>
public sealed record InboundEvent(string ConversationId, string ContactId, FlowEvent Event, string? ContactName = null, string? ContactCountry = null, string? ContactLanguage = null, string? EventId = null)
{
    /// <summary>
    /// The time the provider gave the event, as it gave it. The event's own time (<see cref="FlowEvent.At"/>), which every
    /// decision uses, is this time bounded by <see cref="ReceivedAt"/> (docs/webhooks.md, "Event times").
    /// </summary>
    public DateTimeOffset? ProviderAt { get; init; }

    /// <summary>When the live service received the event.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}

/// <summary>What one event did: the flows that fired, in order, and the messages sent and blocked.</summary>
public sealed record EventOutcome(ImmutableArray<string> Fired, int Sent, int Blocked)
{
    /// <summary>The event's work item was completed before (<see cref="CommitResult.AlreadyDone"/>): nothing was committed now.</summary>
    public bool DoneBefore { get; init; }
}

/// <summary>
/// The engine the dry run and the live service share: event in, conversation state loaded, rules evaluated,
/// actions run in order (replies through the guard to the outbox), and everything the run did committed as one
/// <see cref="EngineCommit"/> (state, messages, follow-ups to schedule and cancel, trace). Events of one conversation
/// run one at a time and in order; conversations run in parallel. Only the clock and the store differ between the dry
/// run and production.
/// </summary>
public sealed partial class FlowEngine : IFollowUpHandler
{
    private const int MaxAttempts = 100;

    /// <summary>The outcome of an event that fired nothing (an immutable value, shared).</summary>
    private static readonly EventOutcome NothingDone = new([], 0, 0);
    private readonly IRuleEngine _rules;
    private readonly FollowUpIndex _followUps;
    private readonly IEngineStore _store;
    private readonly TimeProvider _clock;
    private readonly ActionExecutor _actions;
    private readonly ActionPaths _paths;
    private readonly ConversationGate _gate = new();

    public FlowEngine(IEnumerable<FlowDefinition> flows, IEngineStore store, TimeProvider clock, EngineOptions? options = null)
    {
        Options = options ?? new EngineOptions();
        var list = flows.ToImmutableArray();
        _rules = RuleEngines.Build(list, Options.RuleEngine, new RuleNetworkOptions { MaxChainDepth = Options.MaxChainDepth });
        _followUps = new FollowUpIndex(list, Options.RuleEngine);
        _store = store;
        _clock = clock;
        Teams = new TeamDirectory(Options.Teams, list);
        _paths = new ActionPaths(list);
        _actions = new ActionExecutor(Options, _paths);
    }

    public EngineOptions Options { get; }

    public TeamDirectory Teams { get; }

    public ImmutableArray<FlowDefinition> Flows => _rules.Flows;

    /// <summary>Runs one customer event to the end: every flow it fires, every action, committed.</summary>
    public ValueTask<EventOutcome> HandleAsync(InboundEvent inbound, CancellationToken cancellationToken = default) =>
        HandleAsync(inbound, null, cancellationToken);

    /// <summary>
    /// Runs one customer event to the end and commits it together with <paramref name="completes"/> (the work item that
    /// delivered it, such as the service's inbox row). When the store finds that item completed before, nothing is
    /// committed and the outcome says <see cref="EventOutcome.DoneBefore"/>.
    /// </summary>
    public async ValueTask<EventOutcome> HandleAsync(InboundEvent inbound, CompletedWork? completes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        using var lane = await _gate.EnterAsync(inbound.ConversationId, cancellationToken).ConfigureAwait(false);
        ImageLookups? images = null; // made on the first image reply, kept across the event's runs
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await _store.FindAsync(inbound.ConversationId, cancellationToken).ConfigureAwait(false)
                ?? ConversationState.New(inbound.ConversationId, inbound.ContactId);
            var now = _clock.GetUtcNow();
            // The team book is read only when a flow that fires picks an agent from a team (most events assign nothing).
            var run = new EventRun(stored, now, key: null) { EventId = inbound.EventId, Teams = Teams.WithoutReading(), ImageInspector = Options.Images, KnownImages = images, Traced = _store.WantsTrace };
            if (run.State.ChangesContact(inbound.ContactId, inbound.ContactName, inbound.ContactCountry, inbound.ContactLanguage))
            {
                run.Draft.ApplyContact(inbound.ContactId, inbound.ContactName, inbound.ContactCountry, inbound.ContactLanguage);
            }

            var e = inbound.Event;
            // The event's record goes before whatever the event's own changes record (a reply cancelling follow-ups), and
            // is made once those changes are done, with the window as they left it.
            var receivedIndex = run.Traced ? run.Trace.Count : 0;

            switch (e.Kind)
            {
                case EventKind.MessageReceived:
                    if (run.State.BeginsStretch(e.At))
                    {
                        run.Draft.ApplyStretch(e.At);
                    }

                    run.Draft.ApplyInbound(e.At, Options.Policy);
                    await CancelOnReplyAsync(run, cancellationToken).ConfigureAwait(false);
                    break;
                case EventKind.LeadSubmitted:
                    if (Options.Policy.LeadOpensWindow && run.State.BeginsStretch(e.At))
                    {
                        run.Draft.ApplyStretch(e.At);
                    }

                    run.Draft.ApplyLeadSubmission(e.At, Options.Policy);
                    break;
            }

            // The window as the event left it: what the flows' replies are decided against.
            if (run.Traced)
            {
                run.Trace.Insert(receivedIndex, new EventTrace(now, EventNames.Name(e.Kind), EventNames.Describe(e) + EventNames.Dated(inbound), 0)
                {
                    ProviderAt = inbound.ProviderAt,
                    ReceivedAt = inbound.ReceivedAt,
                    Window = TraceWindow.From(run.State.Allowance(Options.Policy, now)),
                });
            }

            var evaluation = Match(run, e);
            if (Teams.PicksFromTeams(evaluation.Activations))
            {
                run.Teams = await Teams.ReadAsync(_store, stored, cancellationToken).ConfigureAwait(false);
            }

            Act(run, e, evaluation);
            images = run.KnownImages;
            if (await run.InspectWantedImagesAsync(cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            switch (await CommitAsync(run, completes, cancellationToken).ConfigureAwait(false))
            {
                case CommitResult.Committed:
                    var fired = run.FiredFlows();
                    return fired.IsEmpty && run is { Sent: 0, Blocked: 0 } ? NothingDone : new EventOutcome(fired, run.Sent, run.Blocked);
                case CommitResult.AlreadyDone:
                    return new EventOutcome([], 0, 0) { DoneBefore = true };
            }
        }

        throw new InvalidOperationException($"conversation '{inbound.ConversationId}' kept changing while an event was processed");
    }

    /// <summary>Evaluates the rules for an event and runs the activations in agenda order (chained tag events included).</summary>
    private void Evaluate(EventRun run, FlowEvent e) => Act(run, e, Match(run, e));

    /// <summary>
    /// The activations of an event, in agenda order (chained tag events included), against the run's facts now; explained
    /// by the same evaluation when the run's rule records carry conditions.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private RuleEvaluationResult Match(EventRun run, FlowEvent e) =>
        run.Traced && Options.ExplainConditions ? _rules.EvaluateExplained(run.Facts(e, Options), run) : _rules.Evaluate(run.Facts(e, Options), run);

    /// <summary>Runs the activations <see cref="Match"/> gave for the event (the run's facts are those it matched against).</summary>
    [MethodImpl(Hot.Options)]
    private void Act(EventRun run, FlowEvent e, RuleEvaluationResult evaluation)
    {
        var facts = run.Facts(e, Options);
        if (run.Traced)
        {
            ExplainNotFired(run, facts, evaluation.Activations.AsSpan());
        }

        var lastEvent = e;
        var explained = run.Traced ? new FiredExplanations(Options, evaluation) : null;
        foreach (var activation in evaluation.Activations)
        {
            if (activation.Depth > 0 && !ReferenceEquals(activation.Event, lastEvent))
            {
                lastEvent = activation.Event;
                if (run.Traced)
                {
                    run.Trace.Add(new EventTrace(run.Now, EventNames.Name(lastEvent.Kind), EventNames.Describe(lastEvent), activation.Depth));
                }
            }

            var flow = activation.Flow;
            if (run.Traced)
            {
                run.Trace.Add(explained!.Record(run, activation));
            }

            run.RecordFired(flow.Id);
            _actions.Run(run, flow.Id, activation.Event, flow.Then);
        }

        if (evaluation.DepthLimitReached)
        {
            if (run.Traced)
            {
                run.Trace.Add(new EventTrace(run.Now, "limit", $"tag chain cut at depth {Options.MaxChainDepth}", Options.MaxChainDepth));
            }
        }
    }

    /// <summary>Hands everything the run did to the store as one value (the state at the version it was read, for the compare-and-swap).</summary>
    private ValueTask<CommitResult> CommitAsync(EventRun run, CompletedWork? completes, CancellationToken cancellationToken) =>
        _store.CommitAsync(run.ToCommit(completes), cancellationToken);

    /// <summary>Answers <c>once_per</c> from the state, including flows fired earlier in this very run.</summary>
    private sealed class StateHistory(EventRun run) : IFiringHistory
    {
        public bool HasFired(FlowDefinition flow, OncePer scope, FactSnapshot facts) => run.HasFired(flow.Id, scope);
    }
}
