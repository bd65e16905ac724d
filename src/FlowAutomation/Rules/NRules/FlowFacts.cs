using FlowAutomation.Model;

namespace FlowAutomation.Rules.NRules;

/// <summary>
/// An event in an NRules session, as the flows' rules match it: the facts (event, contact, conversation) and how far
/// down a tag chain it is. Insert a <see cref="FlowEventFact"/>; the session adds a <see cref="FlowTagFact"/> for each
/// tag the flows add. Facts are compared by reference, as NRules does by default.
/// </summary>
public abstract class FlowFact
{
    private protected FlowFact(FactSnapshot facts, int depth, FlowEvaluation evaluation)
    {
        Facts = facts;
        Depth = depth;
        Evaluation = evaluation;
        View = new EventView(facts);
    }

    /// <summary>The event, and the contact and conversation as the flows see them.</summary>
    public FactSnapshot Facts { get; }

    public FlowEvent Event => Facts.Event;

    /// <summary>The event's kind: the trigger of the flows that may fire for it.</summary>
    public EventKind Kind => Facts.Event.Kind;

    /// <summary>0 for the inserted event, n for a <c>contact.tagged</c> event raised n tag actions down the chain.</summary>
    public int Depth { get; }

    /// <summary>The evaluation this event belongs to: what fired so far, the chain, the caller's firing history.</summary>
    internal FlowEvaluation Evaluation { get; }

    /// <summary>How the conditions read the facts (folded texts kept for the event).</summary>
    internal EventView View { get; }

    public override string ToString() => $"{Event.Kind}{(Event.Tag is { } tag ? "(" + tag + ")" : string.Empty)} at depth {Depth}";
}

/// <summary>
/// An event to evaluate: create it with <see cref="FlowRuleSet.CreateEvent"/>, insert it, fire the session, then read
/// <see cref="Result"/>: the flows that fired, in the rule network's order. Retracting it retracts every fact the
/// evaluation added (they are linked to it).
/// </summary>
public sealed class FlowEventFact : FlowFact
{
    internal FlowEventFact(FactSnapshot facts, FlowEvaluation evaluation)
        : base(facts, 0, evaluation)
    {
    }

    /// <summary>The activations so far, in agenda order (see <see cref="RuleEvaluation"/>); complete once the session has fired.</summary>
    public RuleEvaluationResult Result => Evaluation.Result;
}

/// <summary>
/// A <c>contact.tagged</c> event raised by a tag a flow added: the contact now holds <see cref="Tag"/>. The session
/// inserts it linked to the rule activation that released it (<c>IContext.InsertLinked</c>), so it leaves the session
/// with the event that raised it. Your own rules can match it, like the <c>contact.tagged</c> flows do.
/// </summary>
public sealed class FlowTagFact : FlowFact
{
    internal FlowTagFact(FactSnapshot facts, int depth, FlowEvaluation evaluation)
        : base(facts, depth, evaluation)
    {
    }

    /// <summary>The tag the contact was given.</summary>
    public string Tag => Event.Tag!;

    /// <summary>The event whose evaluation raised this one.</summary>
    public FlowEventFact Origin => Evaluation.Root;
}

/// <summary>
/// Inserted (linked) when a flow with a top-level <c>stop</c> fires: the rules of the flows after it on the agenda
/// require that no such fact exists for their event with a lower rank, so NRules takes their activations off the agenda.
/// </summary>
internal sealed class StopFact(FlowFact e, int rank)
{
    public FlowFact Event { get; } = e;

    /// <summary>The stopping flow's place on the agenda.</summary>
    public int Rank { get; } = rank;
}
