using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// Evaluates events against a <see cref="RuleNetwork"/>. Holds the per-event scratch state (signal stamps, the condition
/// result cache, the candidate set, the text buffer, the activation list) and reuses it, so that an evaluation allocates
/// nothing unless tags chain. Not thread-safe: use one session per thread (sessions are cheap; the network is shared).
/// </summary>
public sealed partial class RuleSession
{
    private readonly RuleNetwork network;
    private readonly FlowEntry[] entries;
    private readonly FlowFlags[] flags;
    private readonly ulong[] plain;
    private readonly int[] roots;
    private readonly ulong[] candidates;
    private readonly byte[] touched;
    private int[] runs = new int[64];
    private readonly int[] blockStarts;
    private readonly int[] blockSingles;
    private readonly uint[] firedStamp;
    private int[] activationRanks = new int[16];
    private int activationCount;
    private FactSnapshot[] events = new FactSnapshot[4];
    private int[] eventDepths = new int[4];
    private int[] eventFirstActivation = new int[4];
    private int eventCount;
    private uint evaluation;
    private readonly List<FiredExplanation> explanations = [];
    private List<FiredExplanation>? explained;
    private Func<int, bool>? nodeResult;

    internal RuleSession(RuleNetwork network)
    {
        this.network = network;
        entries = network.Entries;
        flags = network.Flags;
        plain = network.Plain;
        roots = network.Roots;
        candidates = new ulong[(entries.Length + 63) / 64];
        touched = new byte[((candidates.Length + 31) / 32) * 32];
        firedStamp = new uint[entries.Length];
        keyStamp = new uint[network.Keys.Length];
        hitKeys = new int[network.Keys.Length];
        blockStarts = new int[network.Keys.Length];
        blockSingles = new int[network.Keys.Length];
        nodeStamp = new uint[network.Graph.Nodes.Length];
        valueHit = new int[network.ValueIndexes.Length];
        valueHitStamp = new uint[network.ValueIndexes.Length];
        numberValue = new double[network.NumberPaths.Length];
        numberStamp = new uint[network.NumberPaths.Length];
        graph = network.Graph;
        facts = null!;
    }

    public RuleNetwork Network => network;

    /// <summary>
    /// As <see cref="Evaluate"/>, and explains each activation's flow from this evaluation's own signals and node results,
    /// right after its event's agenda ran (a chained event starts a new epoch of the scratch state): by activation index.
    /// </summary>
    [MethodImpl(Hot.Options)]
    internal (RuleEvaluation Evaluation, ImmutableArray<FiredExplanation> Explanations) EvaluateExplained(FactSnapshot facts, IFiringHistory? history)
    {
        explanations.Clear();
        explained = explanations;
        nodeResult ??= EvaluateNode;
        try
        {
            var evaluation = Evaluate(facts, history);
            return (evaluation, [.. explanations]);
        }
        finally
        {
            explained = null;
            explanations.Clear();
        }
    }

    /// <summary>
    /// Evaluates one event and the <c>contact.tagged</c> events its flows raise, and returns the activations to run, in
    /// order (see <see cref="RuleEvaluation"/>). Per event, flows are taken in agenda order (higher priority first, then
    /// file order); a flow fires at most once per event; disabled flows never fire; a flow whose <c>once_per</c> is set
    /// is skipped when <paramref name="history"/> says it has fired in that scope, or when it already fired earlier in
    /// this evaluation; when a firing flow has a top-level <c>stop</c>, no later flow on the agenda fires for the event.
    /// <para>
    /// Chaining: the top-level <c>tag</c> actions of the flows that fired (those before any <c>stop</c>) raise one
    /// <c>contact.tagged</c> event per tag the contact did not hold yet, evaluated in this same call, breadth first, up
    /// to <see cref="RuleNetworkOptions.MaxChainDepth"/> levels. The events of one level see the contact with every tag
    /// that the previous levels added (and without those their <c>untag</c> actions removed), and carry the original
    /// event's time. Chained events are only raised when the network has enabled <c>contact.tagged</c> flows.
    /// </para>
    /// </summary>
    /// <returns>A view over this session's buffers, valid until its next evaluation.</returns>
    [MethodImpl(Hot.Options)]
    public RuleEvaluation Evaluate(FactSnapshot facts, IFiringHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        activationCount = 0;
        eventCount = 0;
        if (++evaluation == uint.MaxValue)
        {
            Array.Clear(firedStamp);
            evaluation = 1;
        }

        EvaluateEvent(facts, 0, history);
        var depthLimitReached = network.Plans[(int)EventKind.ContactTagged].FlowCount > 0 && Chain(facts, history);
        return new RuleEvaluation(this, evaluation, activationCount, eventCount, depthLimitReached);
    }

    /// <summary>The activation at <paramref name="index"/> of the evaluation numbered <paramref name="version"/>.</summary>
    [MethodImpl(Hot.Options)]
    internal Activation ActivationAt(uint version, int index)
    {
        if (version != evaluation)
        {
            throw new InvalidOperationException("the session has evaluated another event since; keep RuleEvaluation.ToResult() to hold on to a result");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)activationCount, nameof(index));
        var e = eventCount - 1;
        while (eventFirstActivation[e] > index)
        {
            e--;
        }

        return new Activation(entries[activationRanks[index]].Flow, events[e], eventDepths[e]);
    }

    /// <summary>Raises and evaluates the contact.tagged events, level by level; true when the depth bound cut the chain.</summary>
    [MethodImpl(Hot.Options)]
    private bool Chain(FactSnapshot root, IFiringHistory? history)
    {
        var contact = root.Contact;
        var levelStart = 0;
        for (var depth = 1; ; depth++)
        {
            var levelEnd = activationCount;
            var tags = contact.Tags;
            List<string>? raised = null;
            for (var i = levelStart; i < levelEnd; i++)
            {
                foreach (var change in entries[activationRanks[i]].TagChanges)
                {
                    TagChain.Apply(ref tags, change, ref raised);
                }
            }

            if (raised is null)
            {
                return false;
            }

            if (depth > network.Options.MaxChainDepth)
            {
                return true;
            }

            contact = contact with { Tags = tags };
            foreach (var tag in raised)
            {
                EvaluateEvent(TagChain.Raise(root, contact, tag), depth, history);
            }

            levelStart = levelEnd;
        }
    }

    [MethodImpl(Hot.Options)]
    private void EvaluateEvent(FactSnapshot snapshot, int depth, IFiringHistory? history)
    {
        if (eventCount == events.Length)
        {
            Array.Resize(ref events, events.Length * 2);
            Array.Resize(ref eventDepths, eventDepths.Length * 2);
            Array.Resize(ref eventFirstActivation, eventFirstActivation.Length * 2);
        }

        events[eventCount] = snapshot;
        eventFirstActivation[eventCount] = activationCount;
        eventDepths[eventCount++] = depth;
        var plan = network.Plans[(int)snapshot.Event.Kind];
        if (plan.FlowCount == 0)
        {
            return;
        }

        BeginEvent(snapshot);
        ComputeSignals(plan);
        CollectCandidates(plan);
        var first = activationCount;
        RunAgenda(plan, history);
        if (explained is not null)
        {
            for (var i = first; i < activationCount; i++)
            {
                var entry = entries[activationRanks[i]];
                explained.Add(new FiredExplanation(entry, snapshot, FiredExplanation.Results(entry.Explain, nodeResult!)));
            }
        }
    }
}
