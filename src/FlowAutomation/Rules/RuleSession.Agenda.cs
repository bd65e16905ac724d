using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FlowAutomation.Rules;

/// <summary>Candidates (from the hit keys' anchor blocks) and the agenda (candidates in rank order, fired or not).</summary>
public sealed partial class RuleSession
{
    /// <summary>
    /// Marks the candidates: the flows registered under a hit key, under a hit key whose partner key was hit too, and the
    /// flows without anchors. The set is a bitset by rank with a second bitset of its non-empty words, so that taking
    /// the candidates in rank order visits only the words that hold some.
    /// </summary>
    [MethodImpl(Hot.Options)]
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
    [MethodImpl(Hot.Options)]
    private void CollectCandidates<T>(int[] keyBlock, T[] blob)
        where T : unmanaged, IBinaryInteger<T>
    {
        // First the blocks of the hit keys and their first numbers: independent reads, so their cache misses overlap.
        var blocks = 0;
        for (var h = 0; h < hitCount; h++)
        {
            var b = keyBlock[hitKeys[h]];
            if (b != 0)
            {
                blockStarts[blocks] = b;
                blockSingles[blocks++] = Widths.ToInt(blob[b]);
            }
        }

        var runCount = 0;
        for (var k = 0; k < blocks; k++)
        {
            var b = blockStarts[k];
            var singles = blockSingles[k];
            if (singles != 0)
            {
                AddRun(b + 1, b + 1 + singles, ref runCount);
            }

            var p = b + 1 + singles;
            for (var groups = Widths.ToInt(blob[p++]); groups > 0; groups--)
            {
                p = FindPartners(blob, p, ref runCount);
            }
        }

        for (var r = 0; r < runCount; r++)
        {
            AddCandidates(blob, runs[2 * r], runs[(2 * r) + 1]);
        }
    }

    [MethodImpl(Hot.Options)]
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
    [MethodImpl(Hot.Options)]
    private int FindPartners<T>(T[] blob, int p, ref int runCount)
        where T : unmanaged, IBinaryInteger<T>
    {
        var slot = Widths.ToInt(blob[p]) - 1;
        var n = Widths.ToInt(blob[p + 1]);
        var partners = p + 2;
        var offsets = partners + n;
        if (slot >= 0)
        {
            // An equality slot has at most one hit key: find it among the partners, a vector at a time (the blob is
            // padded so that reading past the group is safe).
            if (valueHitStamp[slot] == epoch)
            {
                var hit = Vector128.Create(Widths.FromInt<T>(valueHit[slot]));
                var lanes = Vector128<T>.Count;
                for (var i = 0; i < n; i += lanes)
                {
                    var found = Vector128.Equals(Vector128.LoadUnsafe(ref blob[partners + i]), hit).ExtractMostSignificantBits()
                        & (uint)((1UL << Math.Min(n - i, lanes)) - 1);
                    if (found != 0)
                    {
                        var at = offsets + i + BitOperations.TrailingZeroCount(found);
                        AddRun(Widths.ToInt(blob[at]), Widths.ToInt(blob[at + 1]), ref runCount);
                        break;
                    }
                }
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                if (keyStamp[Widths.ToInt(blob[partners + i])] == epoch)
                {
                    AddRun(Widths.ToInt(blob[offsets + i]), Widths.ToInt(blob[offsets + i + 1]), ref runCount);
                }
            }
        }

        return Widths.ToInt(blob[offsets + n]);
    }

    /// <summary>
    /// Marks <c>ranks[from..to]</c>. The hottest loop of a large flow set, so it skips bounds checks: the plan only holds
    /// ranks of this network (below <c>candidates.Length × 64</c>, and <see cref="touched"/> is at least as long), and
    /// runs within the array.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private void AddCandidates<T>(T[] ranks, int from, int to)
        where T : unmanaged, IBinaryInteger<T>
    {
        Debug.Assert(from >= 0 && to <= ranks.Length, "a rank run lies within its array");
        ref var bits = ref MemoryMarshal.GetArrayDataReference(candidates);
        ref var words = ref MemoryMarshal.GetArrayDataReference(touched);
        ref var rank = ref MemoryMarshal.GetArrayDataReference(ranks);
        for (var i = from; i < to; i++)
        {
            var r = Widths.ToInt(Unsafe.Add(ref rank, i));
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
    [MethodImpl(Hot.Options)]
    internal void RunAgenda(TriggerPlan plan, IFiringHistory? history)
    {
        var needed = activationCount + entries.Length + 64;
        if (needed > activationRanks.Length)
        {
            Array.Resize(ref activationRanks, Math.Max(activationRanks.Length * 2, needed));
        }

        if (plan.AllPlain)
        {
            activationCount = DrainPlain(activationRanks, activationCount);
            return;
        }

        var output = activationRanks;
        var n = activationCount;
        for (var v = 0; v < touched.Length; v += 32)
        {
            ref var chunk = ref touched[v];
            var mask = TakeMarkedWords(ref chunk);
            if (mask == 0)
            {
                continue;
            }

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

    /// <summary>
    /// <see cref="RunAgenda"/> when every flow of the trigger is plain: every candidate fires, so the candidate set is
    /// copied out in rank order. The output has room for every flow and 64 more (checked by the caller), which is what
    /// lets this loop skip bounds checks.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private int DrainPlain(int[] output, int n)
    {
        ref var words = ref MemoryMarshal.GetArrayDataReference(candidates);
        ref var first = ref MemoryMarshal.GetArrayDataReference(output);
        for (var v = 0; v < touched.Length; v += 32)
        {
            ref var chunk = ref touched[v];
            var mask = TakeMarkedWords(ref chunk);
            if (mask == 0)
            {
                continue;
            }

            do
            {
                var w = v + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                ref var word = ref Unsafe.Add(ref words, w);
                var bits = word;
                word = 0;
                var rankBase = w << 6;
                var count = BitOperations.PopCount(bits);
                ref var at = ref Unsafe.Add(ref first, n);
                at = rankBase + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                Unsafe.Add(ref at, 1) = rankBase + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                Unsafe.Add(ref at, 2) = rankBase + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                Unsafe.Add(ref at, 3) = rankBase + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                for (var j = 4; bits != 0; j++)
                {
                    Unsafe.Add(ref at, j) = rankBase + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                }

                n += count;
            }
            while (mask != 0);
        }

        return n;
    }

    /// <summary>
    /// The bits of the 32 bytes of <see cref="touched"/> at <paramref name="chunk"/> that are not 0, the bytes cleared
    /// when any is. Two 16-byte vectors rather than one of 32: code with <c>Vector256</c> is left out of the linux-x64
    /// tool's precompiled image (crossgen2 does not assume AVX2), so it ran unoptimized at every start until tier 1
    /// (docs/performance.md, "Seventeenth pass").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint TakeMarkedWords(ref byte chunk)
    {
        var low = Vector128.Equals(Vector128.LoadUnsafe(ref chunk), Vector128<byte>.Zero).ExtractMostSignificantBits();
        var high = Vector128.Equals(Vector128.LoadUnsafe(ref chunk, 16), Vector128<byte>.Zero).ExtractMostSignificantBits();
        var marked = ~(low | (high << 16));
        if (marked != 0)
        {
            Vector128<byte>.Zero.StoreUnsafe(ref chunk);
            Vector128<byte>.Zero.StoreUnsafe(ref chunk, 16);
        }

        return marked;
    }

    /// <summary>After a stop: clears the candidate words still marked in the chunk at <paramref name="v"/> (<paramref name="mask"/>) and after it.</summary>
    [MethodImpl(Hot.Options)]
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
    [MethodImpl(Hot.Options)]
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
}
