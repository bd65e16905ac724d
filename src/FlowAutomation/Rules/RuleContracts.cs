using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>Settings of a <see cref="RuleNetwork"/>.</summary>
public sealed record RuleNetworkOptions
{
    public static RuleNetworkOptions Default { get; } = new();

    /// <summary>
    /// How many levels of <c>contact.tagged</c> events one evaluation follows (default 8): the event itself is level 0,
    /// the tags its flows add raise level 1, and so on. A second line of defence behind the compiler's cycle check; when
    /// it cuts a chain, <see cref="RuleEvaluation.DepthLimitReached"/> says so.
    /// </summary>
    public int MaxChainDepth { get; init; } = 8;

    /// <summary>The largest dense keyword automaton (states × character classes); larger ones use failure links.</summary>
    internal int DenseAutomatonLimit { get; init; } = KeywordAutomaton.DefaultDenseLimit;
}

/// <summary>
/// A flow to run for an event: the runtime runs the flow's actions against <see cref="Facts"/> (the event, and the
/// contact as the network saw it). <see cref="Depth"/> is 0 for the evaluated event and n for a <c>contact.tagged</c>
/// event raised n tag actions down the chain.
/// </summary>
public readonly record struct Activation(FlowDefinition Flow, FactSnapshot Facts, int Depth)
{
    public FlowEvent Event => Facts.Event;

    public override string ToString() => $"{Flow.Id} on {Facts.Event.Kind}{(Facts.Event.Tag is { } tag ? "(" + tag + ")" : string.Empty)} at depth {Depth}";
}

/// <summary>
/// Re-entry history for <c>once_per</c>, owned by the caller (the network keeps no history between evaluations).
/// The network asks only about flows whose condition holds, and at most once per flow and event.
/// </summary>
public interface IFiringHistory
{
    /// <summary>Whether the flow has already fired in the given scope (contact, conversation or reply window) of these facts.</summary>
    bool HasFired(FlowDefinition flow, OncePer scope, FactSnapshot facts);
}

/// <summary>Ready-made <see cref="IFiringHistory"/> implementations.</summary>
public static class FiringHistory
{
    /// <summary>Nothing has fired before.</summary>
    public static IFiringHistory None { get; } = new FromDelegate((_, _, _) => false);

    /// <summary>A history answered by a function of (flow id, scope).</summary>
    public static IFiringHistory From(Func<string, OncePer, bool> hasFired) => new FromDelegate((flow, scope, _) => hasFired(flow.Id, scope));

    private sealed class FromDelegate(Func<FlowDefinition, OncePer, FactSnapshot, bool> hasFired) : IFiringHistory
    {
        public bool HasFired(FlowDefinition flow, OncePer scope, FactSnapshot facts) => hasFired(flow, scope, facts);
    }
}

/// <summary>
/// The outcome of <see cref="RuleSession.Evaluate"/>: the activations in the order the runtime must run them.
/// A view over the session's buffers, valid until the session's next evaluation (using it later throws
/// <see cref="InvalidOperationException"/>); <see cref="ToResult"/> keeps a copy. Enumerate it with <c>foreach</c>.
/// </summary>
/// <remarks>
/// Order: the evaluated event's flows by agenda order (higher priority first, then file order); then the
/// <c>contact.tagged</c> events that their top-level <c>tag</c> actions raised, breadth first: level by level, each level's
/// events in the order their tags were added, each event's flows in agenda order.
/// </remarks>
public readonly struct RuleEvaluation
{
    private readonly RuleSession? session;
    private readonly uint version;

    internal RuleEvaluation(RuleSession session, uint version, int count, int events, bool depthLimitReached)
    {
        this.session = session;
        this.version = version;
        Count = count;
        EventCount = events;
        DepthLimitReached = depthLimitReached;
    }

    /// <summary>The number of activations.</summary>
    public int Count { get; }

    /// <summary>The number of events evaluated: 1, plus the <c>contact.tagged</c> events raised.</summary>
    public int EventCount { get; }

    /// <summary>Some tag would have raised an event beyond <see cref="RuleNetworkOptions.MaxChainDepth"/>; it was not evaluated.</summary>
    public bool DepthLimitReached { get; }

    public Activation this[int index] => session is null ? throw new ArgumentOutOfRangeException(nameof(index)) : session.ActivationAt(version, index);

    public Enumerator GetEnumerator() => new(this);

    [MethodImpl(Hot.Options)]
    public RuleEvaluationResult ToResult()
    {
        var activations = new Activation[Count];
        for (var i = 0; i < Count; i++)
        {
            activations[i] = this[i];
        }

        // The array is this result's alone: handed to the immutable array as it is, not copied again.
        return new(ImmutableCollectionsMarshal.AsImmutableArray(activations), EventCount, DepthLimitReached);
    }

    /// <summary>Enumerates the activations without allocating.</summary>
    public struct Enumerator(RuleEvaluation evaluation)
    {
        private int index = -1;

        public readonly Activation Current => evaluation[index];

        public bool MoveNext() => ++index < evaluation.Count;
    }
}

/// <summary>An evaluation's activations, copied out of the session (see <see cref="RuleEvaluation"/>).</summary>
public sealed record RuleEvaluationResult(ImmutableArray<Activation> Activations, int EventCount, bool DepthLimitReached)
{
    /// <summary>
    /// From <see cref="IRuleEngine.EvaluateExplained"/>: the explanation of each activation's flow for the activation's
    /// own event (its outcome is <see cref="FlowOutcome.Fired"/>), by activation index. Empty from
    /// <see cref="IRuleEngine.Evaluate"/>.
    /// </summary>
    public ImmutableArray<FiredExplanation> Explanations { get; init; } = [];
}
