using System.Collections.Immutable;
using System.Numerics;
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
    private readonly int[] roots;
    private readonly ulong[] candidates;
    private readonly ulong[] candidateWords;
    private readonly uint[] firedStamp;
    private int[] activationRanks = new int[16];
    private int[] activationEvents = new int[16];
    private int activationCount;
    private FactSnapshot[] events = new FactSnapshot[4];
    private int[] eventDepths = new int[4];
    private int eventCount;
    private uint evaluation;

    internal RuleSession(RuleNetwork network)
    {
        this.network = network;
        entries = network.Entries;
        flags = network.Flags;
        roots = network.Roots;
        candidates = new ulong[(entries.Length + 63) / 64];
        candidateWords = new ulong[(candidates.Length + 63) / 64];
        firedStamp = new uint[entries.Length];
        keyStamp = new uint[network.Keys.Length];
        hitKeys = new int[network.Keys.Length];
        nodeStamp = new uint[network.Graph.Nodes.Length];
        valueHit = new int[network.ValueIndexes.Length];
        valueHitStamp = new uint[network.ValueIndexes.Length];
        graph = network.Graph;
        facts = null!;
    }

    public RuleNetwork Network => network;

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
    internal Activation ActivationAt(uint version, int index)
    {
        if (version != evaluation)
        {
            throw new InvalidOperationException("the session has evaluated another event since; keep RuleEvaluation.ToResult() to hold on to a result");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)activationCount, nameof(index));
        var e = activationEvents[index];
        return new Activation(entries[activationRanks[index]].Flow, events[e], eventDepths[e]);
    }

    /// <summary>Raises and evaluates the contact.tagged events, level by level; true when the depth bound cut the chain.</summary>
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
                    if (!change.Add)
                    {
                        tags = RemoveFolded(tags, change.Tag);
                    }
                    else if (!HoldsFolded(tags, change.Tag))
                    {
                        tags = tags.Add(change.Tag);
                        (raised ??= []).Add(change.Tag);
                    }
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
                EvaluateEvent(new FactSnapshot(FlowEvent.ContactTagged(root.Event.At, tag), contact, root.Conversation), depth, history);
            }

            levelStart = levelEnd;
        }
    }

    private void EvaluateEvent(FactSnapshot snapshot, int depth, IFiringHistory? history)
    {
        if (eventCount == events.Length)
        {
            Array.Resize(ref events, events.Length * 2);
            Array.Resize(ref eventDepths, eventDepths.Length * 2);
        }

        events[eventCount] = snapshot;
        eventDepths[eventCount++] = depth;
        var plan = network.Plans[(int)snapshot.Event.Kind];
        if (plan.FlowCount == 0)
        {
            return;
        }

        BeginEvent(snapshot);
        ComputeSignals(plan);
        CollectCandidates(plan);
        RunAgenda(eventCount - 1, history);
    }

    /// <summary>
    /// Marks the candidates: the flows registered under a hit key, under a hit key whose partner key was hit too, and the
    /// flows without anchors. The set is a bitset by rank with a second bitset of its non-empty words, so that taking
    /// the candidates in rank order visits only the words that hold some.
    /// </summary>
    internal void CollectCandidates(TriggerPlan plan)
    {
        var singleStart = plan.SingleStart;
        var groupStart = plan.GroupStart;
        for (var h = 0; h < hitCount; h++)
        {
            var key = hitKeys[h];
            AddCandidates(plan.SingleRanks, singleStart[key], singleStart[key + 1]);
            for (var g = groupStart[key]; g < groupStart[key + 1]; g++)
            {
                AddPartners(plan, g);
            }
        }

        AddCandidates(plan.Always, 0, plan.Always.Length);
    }

    /// <summary>Adds the ranks of the partners in group <paramref name="g"/> whose key was hit.</summary>
    private void AddPartners(TriggerPlan plan, int g)
    {
        var first = plan.GroupFirst[g];
        var end = plan.GroupFirst[g + 1];
        var slot = plan.GroupSlot[g];
        if (slot >= 0)
        {
            // An equality slot has at most one hit key: find it among the partners (a vectorised search).
            if (valueHitStamp[slot] == epoch)
            {
                var i = plan.PairOther.AsSpan(first, end - first).IndexOf(valueHit[slot]);
                if (i >= 0)
                {
                    AddCandidates(plan.PairRanks, plan.PairRankStart[first + i], plan.PairRankStart[first + i + 1]);
                }
            }

            return;
        }

        for (var i = first; i < end; i++)
        {
            if (keyStamp[plan.PairOther[i]] == epoch)
            {
                AddCandidates(plan.PairRanks, plan.PairRankStart[i], plan.PairRankStart[i + 1]);
            }
        }
    }

    private void AddCandidates(int[] ranks, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var r = ranks[i];
            var w = r >> 6;
            candidates[w] |= 1UL << r;
            candidateWords[w >> 6] |= 1UL << w;
        }
    }

    /// <summary>Takes the candidates in agenda order (their ranks ascending), clearing the set as it goes.</summary>
    internal void RunAgenda(int eventIndex, IFiringHistory? history)
    {
        for (var s = 0; s < candidateWords.Length; s++)
        {
            var words = candidateWords[s];
            if (words == 0)
            {
                continue;
            }

            candidateWords[s] = 0;
            do
            {
                var w = (s << 6) + BitOperations.TrailingZeroCount(words);
                words &= words - 1;
                var bits = candidates[w];
                candidates[w] = 0;
                do
                {
                    var rank = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    var flag = flags[rank];
                    if (((flag & FlowFlags.Exact) == 0 && !EvaluateNode(roots[rank])) || ((flag & FlowFlags.OncePer) != 0 && !TakeOncePer(rank, history)))
                    {
                        continue;
                    }

                    if (activationCount == activationRanks.Length)
                    {
                        Array.Resize(ref activationRanks, activationRanks.Length * 2);
                        Array.Resize(ref activationEvents, activationEvents.Length * 2);
                    }

                    activationRanks[activationCount] = rank;
                    activationEvents[activationCount++] = eventIndex;
                    if ((flag & FlowFlags.Stops) != 0)
                    {
                        ClearCandidates(s, words);
                        return;
                    }
                }
                while (bits != 0);
            }
            while (words != 0);
        }
    }

    /// <summary>After a stop: clears the candidate words still marked in summary word <paramref name="s"/> and after it.</summary>
    private void ClearCandidates(int s, ulong words)
    {
        for (; s < candidateWords.Length; s++)
        {
            for (; words != 0; words &= words - 1)
            {
                candidates[(s << 6) + BitOperations.TrailingZeroCount(words)] = 0;
            }

            if (s + 1 < candidateWords.Length)
            {
                words = candidateWords[s + 1];
                candidateWords[s + 1] = 0;
            }
        }
    }

    /// <summary>once_per: false when the flow already fired in this evaluation or, says the history, in its scope.</summary>
    private bool TakeOncePer(int rank, IFiringHistory? history)
    {
        var flow = entries[rank].Flow;
        if (firedStamp[rank] == evaluation || (history is not null && history.HasFired(flow, flow.OncePer, facts)))
        {
            return false;
        }

        firedStamp[rank] = evaluation;
        return true;
    }

    private static bool HoldsFolded(ImmutableHashSet<string> tags, string tag)
    {
        foreach (var held in tags)
        {
            if (TextRules.FoldedEquals(held, tag))
            {
                return true;
            }
        }

        return false;
    }

    private static ImmutableHashSet<string> RemoveFolded(ImmutableHashSet<string> tags, string tag)
    {
        foreach (var held in tags)
        {
            if (TextRules.FoldedEquals(held, tag))
            {
                tags = tags.Remove(held);
            }
        }

        return tags;
    }
}
