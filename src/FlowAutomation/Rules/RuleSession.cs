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
    private readonly ulong[] candidates;
    private readonly uint[] firedStamp;
    private Activation[] activations = new Activation[16];
    private int[] activationRanks = new int[16];
    private int activationCount;
    private uint evaluation;
    private int minWord;
    private int maxWord;

    internal RuleSession(RuleNetwork network)
    {
        this.network = network;
        entries = network.Entries;
        candidates = new ulong[(entries.Length + 63) / 64];
        firedStamp = new uint[entries.Length];
        keyStamp = new uint[network.Keys.Length];
        hitKeys = new int[network.Keys.Length];
        nodeStamp = new uint[network.Graph.Nodes.Length];
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
        if (++evaluation == uint.MaxValue)
        {
            Array.Clear(firedStamp);
            evaluation = 1;
        }

        EvaluateEvent(facts, 0, history);
        var events = 1;
        var depthLimitReached = false;
        if (network.Plans[(int)EventKind.ContactTagged].FlowCount > 0)
        {
            (events, depthLimitReached) = Chain(facts, history);
        }

        return new RuleEvaluation(activations, activationCount, events, depthLimitReached);
    }

    private (int Events, bool DepthLimitReached) Chain(FactSnapshot root, IFiringHistory? history)
    {
        var events = 1;
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
                return (events, false);
            }

            if (depth > network.Options.MaxChainDepth)
            {
                return (events, true);
            }

            contact = contact with { Tags = tags };
            foreach (var tag in raised)
            {
                EvaluateEvent(new FactSnapshot(FlowEvent.ContactTagged(root.Event.At, tag), contact, root.Conversation), depth, history);
                events++;
            }

            levelStart = levelEnd;
        }
    }

    private void EvaluateEvent(FactSnapshot snapshot, int depth, IFiringHistory? history)
    {
        var plan = network.Plans[(int)snapshot.Event.Kind];
        if (plan.FlowCount == 0)
        {
            return;
        }

        BeginEvent(snapshot);
        ComputeSignals(plan);
        CollectCandidates(plan);
        RunAgenda(depth, history);
    }

    private void CollectCandidates(TriggerPlan plan)
    {
        minWord = int.MaxValue;
        maxWord = -1;
        var singles = plan.Singles;
        var pairs = plan.Pairs;
        for (var h = 0; h < hitCount; h++)
        {
            var key = hitKeys[h];
            if (singles[key] is { } ranks)
            {
                AddCandidates(ranks);
            }

            if (pairs[key] is { } partners)
            {
                foreach (var pair in partners)
                {
                    if (keyStamp[pair.Other] == epoch)
                    {
                        AddCandidates(pair.Ranks);
                    }
                }
            }
        }

        AddCandidates(plan.Always);
    }

    private void AddCandidates(int[] ranks)
    {
        if (ranks.Length == 0)
        {
            return;
        }

        foreach (var r in ranks)
        {
            candidates[r >> 6] |= 1UL << r;
        }

        minWord = Math.Min(minWord, ranks[0] >> 6);
        maxWord = Math.Max(maxWord, ranks[^1] >> 6);
    }

    /// <summary>Takes the candidates in agenda order (their ranks ascending), clearing the set as it goes.</summary>
    private void RunAgenda(int depth, IFiringHistory? history)
    {
        for (var w = minWord; w <= maxWord; w++)
        {
            var bits = candidates[w];
            candidates[w] = 0;
            while (bits != 0)
            {
                var rank = (w << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                var entry = entries[rank];
                if (!entry.Exact && !EvaluateNode(entry.Root))
                {
                    continue;
                }

                var scope = entry.Flow.OncePer;
                if (scope != OncePer.None)
                {
                    if (firedStamp[rank] == evaluation || (history is not null && history.HasFired(entry.Flow, scope, facts)))
                    {
                        continue;
                    }

                    firedStamp[rank] = evaluation;
                }

                Add(new Activation(entry.Flow, facts, depth), rank);
                if (entry.Stops)
                {
                    candidates.AsSpan(w + 1, maxWord - w).Clear();
                    return;
                }
            }
        }
    }

    private void Add(Activation activation, int rank)
    {
        if (activationCount == activations.Length)
        {
            Array.Resize(ref activations, activations.Length * 2);
            Array.Resize(ref activationRanks, activationRanks.Length * 2);
        }

        activations[activationCount] = activation;
        activationRanks[activationCount++] = rank;
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
