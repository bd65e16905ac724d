using System.Collections.Immutable;
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
public sealed record EventOutcome(ImmutableArray<string> Fired, int Sent, int Blocked);

/// <summary>
/// The engine the dry run and the live service share: event in, conversation state loaded, rule network evaluated,
/// actions run in order (replies through the guard to the outbox), state committed, follow-ups scheduled. Events of
/// one conversation run one at a time and in order; conversations run in parallel. Only the clock, the scheduler,
/// the store and the outbox differ between the dry run and production.
/// </summary>
public sealed partial class FlowEngine : IFollowUpHandler
{
    private const int MaxAttempts = 100;
    private readonly RuleNetwork _network;
    private readonly FollowUpIndex _followUps;
    private readonly IEngineStore _store;
    private readonly IFollowUpScheduler _scheduler;
    private readonly TimeProvider _clock;
    private readonly ITraceSink _trace;
    private readonly ActionExecutor _actions;
    private readonly ActionPaths _paths;
    private readonly ConversationGate _gate = new();

    public FlowEngine(IEnumerable<FlowDefinition> flows, IEngineStore store, IFollowUpScheduler scheduler, TimeProvider clock, ITraceSink trace, EngineOptions? options = null)
    {
        Options = options ?? new EngineOptions();
        var list = flows.ToImmutableArray();
        _network = RuleNetwork.Build(list, new RuleNetworkOptions { MaxChainDepth = Options.MaxChainDepth });
        _followUps = new FollowUpIndex(list);
        _store = store;
        _scheduler = scheduler;
        _clock = clock;
        _trace = trace;
        Teams = new TeamDirectory(Options.Teams, list);
        _paths = new ActionPaths(list);
        _actions = new ActionExecutor(Options, _paths);
    }

    public EngineOptions Options { get; }

    public TeamDirectory Teams { get; }

    public ImmutableArray<FlowDefinition> Flows => _network.Flows;

    /// <summary>Runs one customer event to the end: every flow it fires, every action, committed.</summary>
    public async ValueTask<EventOutcome> HandleAsync(InboundEvent inbound, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        using var lane = await _gate.EnterAsync(inbound.ConversationId, cancellationToken).ConfigureAwait(false);
        var images = new ImageLookups(Options.Images);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await _store.FindAsync(inbound.ConversationId, cancellationToken).ConfigureAwait(false)
                ?? ConversationState.New(inbound.ConversationId, inbound.ContactId);
            var now = _clock.GetUtcNow();
            var key = inbound.EventId is { } id ? $"{inbound.ConversationId}/{id}" : $"{inbound.ConversationId}/v{stored.Version}";
            var run = new EventRun(stored, now, key) { Teams = await Teams.ReadAsync(_store, stored, cancellationToken).ConfigureAwait(false), Images = images };
            run.State = run.State.WithContact(inbound.ContactId, inbound.ContactName, inbound.ContactCountry, inbound.ContactLanguage);
            var e = inbound.Event;
            var received = new EventTrace(now, EventNames.Name(e.Kind), EventNames.Describe(e) + EventNames.Dated(inbound), 0) { ProviderAt = inbound.ProviderAt, ReceivedAt = inbound.ReceivedAt };
            var receivedIndex = run.Trace.Count;
            run.Trace.Add(received);
            switch (e.Kind)
            {
                case EventKind.MessageReceived:
                    run.State = run.State.BeginStretch(e.At).RecordInbound(e.At, Options.Policy);
                    await CancelOnReplyAsync(run, cancellationToken).ConfigureAwait(false);
                    break;
                case EventKind.LeadSubmitted:
                    run.State = Options.Policy.LeadOpensWindow ? run.State.BeginStretch(e.At) : run.State;
                    run.State = run.State.RecordLeadSubmission(e.At, Options.Policy);
                    break;
            }

            // The window as the event left it: what the flows' replies are decided against.
            run.Trace[receivedIndex] = received with { Window = TraceWindow.From(run.State.Allowance(Options.Policy, now)) };

            Evaluate(run, e);
            if (!await images.InspectWantedAsync(cancellationToken).ConfigureAwait(false) && await CommitAsync(run, cancellationToken).ConfigureAwait(false))
            {
                return new EventOutcome([.. run.Fired], run.Sent, run.Blocked);
            }
        }

        throw new InvalidOperationException($"conversation '{inbound.ConversationId}' kept changing while an event was processed");
    }

    /// <summary>Evaluates the network for an event and runs the activations in agenda order (chained tag events included).</summary>
    private void Evaluate(EventRun run, FlowEvent e)
    {
        var facts = run.Facts(e, Options);
        var history = new StateHistory(run);
        var evaluation = _network.Evaluate(facts, history);
        ExplainNotFired(run, facts, evaluation.Activations.AsSpan());
        var lastEvent = e;
        foreach (var activation in evaluation.Activations)
        {
            if (activation.Depth > 0 && !ReferenceEquals(activation.Event, lastEvent))
            {
                lastEvent = activation.Event;
                run.Trace.Add(new EventTrace(run.Now, EventNames.Name(lastEvent.Kind), EventNames.Describe(lastEvent), activation.Depth));
            }

            var flow = activation.Flow;
            run.Trace.Add(RuleRecord(run, activation.Facts, flow, fired: true));
            run.Fired.Add(flow.Id);
            run.State = run.State.RecordFired(flow.Id, run.Now);
            _actions.Run(run, flow.Id, activation.Event, flow.Then);
        }

        if (evaluation.DepthLimitReached)
        {
            run.Trace.Add(new EventTrace(run.Now, "limit", $"tag chain cut at depth {Options.MaxChainDepth}", Options.MaxChainDepth));
        }
    }

    private async ValueTask<bool> CommitAsync(EventRun run, CancellationToken cancellationToken)
    {
        var state = run.State with { Version = run.BaseVersion };
        if (await _store.CommitAsync(state, run.Outgoing, run.Teams.Turns, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        foreach (var (job, _) in run.Cancel)
        {
            await _scheduler.CancelAsync(job.Id, cancellationToken).ConfigureAwait(false);
        }

        foreach (var job in run.Schedule)
        {
            await _scheduler.ScheduleAsync(job, cancellationToken).ConfigureAwait(false);
        }

        foreach (var record in run.Trace)
        {
            _trace.Write(record);
        }

        return true;
    }

    /// <summary>Answers <c>once_per</c> from the state, including flows fired earlier in this very run.</summary>
    private sealed class StateHistory(EventRun run) : IFiringHistory
    {
        public bool HasFired(FlowDefinition flow, OncePer scope, FactSnapshot facts) => run.State.HasFired(flow.Id, scope);
    }
}
