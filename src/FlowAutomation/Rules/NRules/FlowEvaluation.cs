using System.Collections.Immutable;
using FlowAutomation.Model;
using NRules.RuleModel;

namespace FlowAutomation.Rules.NRules;

/// <summary>
/// The state of one evaluation inside an NRules session, shared by the inserted event and the tag events it raises:
/// the activations in the order the flows fired, the <c>once_per</c> flows already fired, and the tag chain. The rules'
/// actions call <see cref="Fire"/> and <see cref="Advance"/>; it follows docs/rule-network.md step for step.
/// </summary>
internal sealed class FlowEvaluation
{
    private const string NextKey = "flowautomation:next";
    private const string StopKey = "flowautomation:stop";

    private readonly FlowRuleSet set;
    private IFiringHistory? history;
    private readonly List<Activation> activations = [];
    private readonly List<FlowRule> fired = [];
    private HashSet<int>? firedOnce;
    private Queue<FlowTagFact>? pending;
    private ContactFacts contact;
    private int levelStart;
    private int depth;

    public FlowEvaluation(FlowRuleSet set, FactSnapshot facts, IFiringHistory? history)
    {
        this.set = set;
        this.history = history;
        contact = facts.Contact;
        Root = new FlowEventFact(facts, this);
    }

    public FlowEventFact Root { get; }

    /// <summary>1, plus the <c>contact.tagged</c> events released so far.</summary>
    public int EventCount { get; private set; } = 1;

    public bool DepthLimitReached { get; private set; }

    public RuleEvaluationResult Result => new([.. activations], EventCount, DepthLimitReached);

    /// <summary>
    /// Forgets the caller's history once the session has fired, so that a session that keeps its events (see
    /// <see cref="SessionLifetime.Recycle"/>) does not keep the caller's state alive with them.
    /// </summary>
    public void ForgetHistory() => history = null;

    /// <summary>
    /// A flow's rule fired: its condition holds and no flow before it on the agenda stopped the event. A <c>once_per</c>
    /// flow fires only if it has not fired in this evaluation and the history says it has not fired in its scope (asked
    /// here, so only about flows whose condition holds and that were not stopped); a firing flow with <c>stop</c> inserts
    /// the <see cref="StopFact"/> that takes the later flows of the event off the agenda.
    /// </summary>
    public void Fire(IContext context, FlowFact e, FlowRule rule)
    {
        var flow = rule.Flow;
        if (flow.OncePer != OncePer.None)
        {
            firedOnce ??= [];
            if (firedOnce.Contains(rule.Rank) || (history is not null && history.HasFired(flow, flow.OncePer, e.Facts)))
            {
                return;
            }

            firedOnce.Add(rule.Rank);
        }

        activations.Add(new Activation(flow, e.Facts, e.Depth));
        fired.Add(rule);
        if (rule.Stops)
        {
            context.InsertLinked(StopKey, new StopFact(e, rule.Rank));
        }
    }

    /// <summary>
    /// Every flow of <paramref name="e"/> has had its turn (this rule has the lowest priority). Releases the next event of
    /// the level, or, when the level is done, works out the next level from the level's activations (the tags they add,
    /// in order, that the contact does not hold yet) and releases its first event, unless the level is beyond the depth
    /// bound. Events are released one at a time, linked to this activation, so that each event's flows fire in agenda
    /// order before the next event's, and every event leaves with the one that released it.
    /// </summary>
    public void Advance(IContext context, FlowFact e)
    {
        if (pending is { Count: > 0 })
        {
            Release(context, pending.Dequeue());
            return;
        }

        var tags = contact.Tags;
        List<string>? raised = null;
        for (var i = levelStart; i < fired.Count; i++)
        {
            foreach (var change in fired[i].TagChanges)
            {
                TagChain.Apply(ref tags, change, ref raised);
            }
        }

        if (raised is null)
        {
            return;
        }

        if (++depth > set.Options.MaxChainDepth)
        {
            DepthLimitReached = true;
            return;
        }

        levelStart = fired.Count;
        contact = contact with { Tags = tags };
        pending ??= new Queue<FlowTagFact>();
        foreach (var tag in raised)
        {
            pending.Enqueue(new FlowTagFact(TagChain.Raise(Root.Facts, contact, tag), depth, this));
        }

        Release(context, pending.Dequeue());
    }

    private void Release(IContext context, FlowTagFact next)
    {
        EventCount++;
        context.InsertLinked(NextKey, next);
    }
}

/// <summary>What a flow's rule needs at run time: the flow, its rank, and what it does to the agenda and the tags.</summary>
internal sealed class FlowRule(FlowEntry entry)
{
    public FlowDefinition Flow { get; } = entry.Flow;

    public int Rank { get; } = entry.Rank;

    public bool Stops { get; } = entry.Stops;

    public ImmutableArray<TagChange> TagChanges { get; } = entry.TagChanges;

    /// <summary>Called by the rule's action (<c>(ctx, e) =&gt; rule.Fire(ctx, e)</c>).</summary>
    public void Fire(IContext context, FlowFact e) => e.Evaluation.Fire(context, e, this);

    public override string ToString() => Flow.Id;
}
