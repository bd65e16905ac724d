using System.Collections.Immutable;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    private readonly uint[] firedStamp;
    private int[] activationRanks = new int[16];
    private int activationCount;
    private FactSnapshot[] events = new FactSnapshot[4];
    private int[] eventDepths = new int[4];
    private int[] eventFirstActivation = new int[4];
    private int eventCount;
    private uint evaluation;

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
        var e = eventCount - 1;
        while (eventFirstActivation[e] > index)
        {
            e--;
        }

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
        RunAgenda(history);
    }

    /// <summary>
    /// Marks the candidates: the flows registered under a hit key, under a hit key whose partner key was hit too, and the
    /// flows without anchors. The set is a bitset by rank with a second bitset of its non-empty words, so that taking
    /// the candidates in rank order visits only the words that hold some.
    /// </summary>
    internal void CollectCandidates(TriggerPlan plan)
    {
        if (plan.Blob16 is { } blob16)
        {
            CollectCandidates(plan.KeyBlock, blob16);
        }
        else
        {
            CollectCandidates(plan.KeyBlock, plan.Blob);
        }

        AddCandidates(plan.Always, 0, plan.Always.Length);
    }

    /// <summary>
    /// Two passes: first find every rank run (the blocks' cache misses overlap, as no run depends on another), then mark
    /// the runs' ranks.
    /// </summary>
    private void CollectCandidates<T>(int[] keyBlock, T[] blob)
        where T : unmanaged, IBinaryInteger<T>
    {
        var runCount = 0;
        for (var h = 0; h < hitCount; h++)
        {
            var b = keyBlock[hitKeys[h]];
            if (b == 0)
            {
                continue;
            }

            var singles = int.CreateTruncating(blob[b]);
            AddRun(b + 1, b + 1 + singles, ref runCount);
            var p = b + 1 + singles;
            for (var groups = int.CreateTruncating(blob[p++]); groups > 0; groups--)
            {
                p = FindPartners(blob, p, ref runCount);
            }
        }

        for (var r = 0; r < runCount; r++)
        {
            AddCandidates(blob, runs[2 * r], runs[(2 * r) + 1]);
        }
    }

    private void AddRun(int from, int to, ref int runCount)
    {
        if (from >= to)
        {
            return;
        }

        if (2 * (runCount + 1) > runs.Length)
        {
            Array.Resize(ref runs, runs.Length * 2);
        }

        runs[2 * runCount] = from;
        runs[(2 * runCount++) + 1] = to;
    }

    /// <summary>Records the rank runs of the partners of the group at <paramref name="p"/> whose key was hit; returns where the next group starts.</summary>
    private int FindPartners<T>(T[] blob, int p, ref int runCount)
        where T : unmanaged, IBinaryInteger<T>
    {
        var slot = int.CreateTruncating(blob[p]) - 1;
        var n = int.CreateTruncating(blob[p + 1]);
        var partners = p + 2;
        var offsets = partners + n;
        if (slot >= 0)
        {
            // An equality slot has at most one hit key: find it among the partners, a vector at a time (the blob is
            // padded so that reading past the group is safe).
            if (valueHitStamp[slot] == epoch)
            {
                var hit = Vector256.Create(T.CreateTruncating(valueHit[slot]));
                var lanes = Vector256<T>.Count;
                for (var i = 0; i < n; i += lanes)
                {
                    var found = Vector256.Equals(Vector256.LoadUnsafe(ref blob[partners + i]), hit).ExtractMostSignificantBits()
                        & (uint)((1UL << Math.Min(n - i, lanes)) - 1);
                    if (found != 0)
                    {
                        var at = offsets + i + BitOperations.TrailingZeroCount(found);
                        AddRun(int.CreateTruncating(blob[at]), int.CreateTruncating(blob[at + 1]), ref runCount);
                        break;
                    }
                }
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                if (keyStamp[int.CreateTruncating(blob[partners + i])] == epoch)
                {
                    AddRun(int.CreateTruncating(blob[offsets + i]), int.CreateTruncating(blob[offsets + i + 1]), ref runCount);
                }
            }
        }

        return int.CreateTruncating(blob[offsets + n]);
    }

    /// <summary>
    /// Marks <c>ranks[from..to]</c>. The hottest loop of a large flow set, so it skips bounds checks: the plan only holds
    /// ranks of this network (below <c>candidates.Length × 64</c>, and <see cref="touched"/> is at least as long), and
    /// runs within the array.
    /// </summary>
    private void AddCandidates<T>(T[] ranks, int from, int to)
        where T : unmanaged, IBinaryInteger<T>
    {
        Debug.Assert(from >= 0 && to <= ranks.Length, "a rank run lies within its array");
        ref var bits = ref MemoryMarshal.GetArrayDataReference(candidates);
        ref var words = ref MemoryMarshal.GetArrayDataReference(touched);
        ref var rank = ref MemoryMarshal.GetArrayDataReference(ranks);
        for (var i = from; i < to; i++)
        {
            var r = int.CreateTruncating(Unsafe.Add(ref rank, i));
            Debug.Assert(r >> 6 < candidates.Length, "a rank of this network");
            Unsafe.Add(ref bits, r >> 6) |= 1UL << r;
            Unsafe.Add(ref words, r >> 6) = 1;
        }
    }

    /// <summary>
    /// Takes the candidates in agenda order (their ranks ascending), fires those that hold, and clears the set. The words
    /// that hold candidates are found 32 at a time in <see cref="touched"/> (one byte per word, written without reading, so
    /// that marking many candidates builds no chain of dependent stores). A word whose candidates are all plain (exact,
    /// no <c>once_per</c>, no <c>stop</c>) is copied out whole, four ranks at a time whatever their number (the extra
    /// writes are overwritten), with no look at any flow; other words go flow by flow.
    /// </summary>
    internal void RunAgenda(IFiringHistory? history)
    {
        var needed = activationCount + entries.Length + 64;
        if (needed > activationRanks.Length)
        {
            Array.Resize(ref activationRanks, Math.Max(activationRanks.Length * 2, needed));
        }

        var output = activationRanks;
        var n = activationCount;
        for (var v = 0; v < touched.Length; v += 32)
        {
            ref var chunk = ref touched[v];
            var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref chunk), Vector256<byte>.Zero).ExtractMostSignificantBits();
            if (mask == 0)
            {
                continue;
            }

            Vector256<byte>.Zero.StoreUnsafe(ref chunk);
            do
            {
                var w = v + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                var bits = candidates[w];
                candidates[w] = 0;
                var rankBase = w << 6;
                if ((bits & ~plain[w]) == 0)
                {
                    var count = BitOperations.PopCount(bits);
                    output[n] = rankBase + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    output[n + 1] = rankBase + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    output[n + 2] = rankBase + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    output[n + 3] = rankBase + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    for (var j = n + 4; bits != 0; j++)
                    {
                        output[j] = rankBase + BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                    }

                    n += count;
                    continue;
                }

                for (; bits != 0; bits &= bits - 1)
                {
                    var rank = rankBase + BitOperations.TrailingZeroCount(bits);
                    var flag = flags[rank];
                    if (((flag & FlowFlags.Exact) == 0 && !EvaluateNode(roots[rank])) || ((flag & FlowFlags.OncePer) != 0 && !TakeOncePer(rank, history)))
                    {
                        continue;
                    }

                    output[n++] = rank;
                    if ((flag & FlowFlags.Stops) != 0)
                    {
                        ClearCandidates(v, mask);
                        activationCount = n;
                        return;
                    }
                }
            }
            while (mask != 0);
        }

        activationCount = n;
    }

    /// <summary>After a stop: clears the candidate words still marked in the chunk at <paramref name="v"/> (<paramref name="mask"/>) and after it.</summary>
    private void ClearCandidates(int v, uint mask)
    {
        for (; mask != 0; mask &= mask - 1)
        {
            candidates[v + BitOperations.TrailingZeroCount(mask)] = 0;
        }

        for (v += 32; v < touched.Length; v++)
        {
            if (touched[v] != 0)
            {
                touched[v] = 0;
                candidates[v] = 0;
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
