using System.Collections.Frozen;
using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// What a keyword hit needs, packed per pattern: its signal keys, "found anywhere" (for <c>whole_word: false</c>) and
/// "found as a whole word" (-1 where no test needs one), its length, and whether its first and last characters are spaced
/// word characters (so that the text must not have one just before or after it).
/// </summary>
internal readonly record struct PatternInfo(int AnywhereKey, int WordKey, int Length, bool NeedLeft, bool NeedRight);

/// <summary>The keyword literals of every keyword test on one path, in one automaton, with each pattern's <see cref="PatternInfo"/>.</summary>
internal sealed class KeywordIndex(FieldPath path, KeywordAutomaton automaton, PatternInfo[] patterns)
{
    public FieldPath Path { get; } = path;

    public KeywordAutomaton Automaton { get; } = automaton;

    public PatternInfo[] Patterns { get; } = patterns;
}

/// <summary>
/// Folded text values of one path (the operands of its <c>equals</c>, <c>in</c>, <c>not_equals</c>, <c>not_in</c> tests,
/// or the tags of <c>has</c>, <c>has_any</c>, <c>lacks</c>) → signal key. Looked up by span, so nothing is allocated.
/// </summary>
internal sealed class ValueIndex
{
    private readonly FrozenDictionary<string, int> keys;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public ValueIndex(FieldPath path, IEnumerable<KeyValuePair<string, int>> keys)
    {
        Path = path;
        this.keys = keys.ToFrozenDictionary(StringComparer.Ordinal);
        lookup = this.keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public FieldPath Path { get; }

    public int Count => keys.Count;

    public bool TryGetKey(ReadOnlySpan<char> folded, out int key) => lookup.TryGetValue(folded, out key);
}

/// <summary>
/// The index of one trigger: which signal slots to compute for its events, and which flows each signal key (or pair of
/// keys) makes candidates. Flows without an anchor are in <see cref="Always"/>.
/// <para>
/// The anchors of key k are one contiguous block of <see cref="Blob"/> starting at <c>KeyBlock[k]</c> (0: none), so that
/// a hit key costs one or two cache lines:
/// <c>[s, rank × s, g, group × g]</c>, where a group is <c>[slot + 1, n, partner key × n, rank-run offset × (n + 1), ranks…]</c>:
/// flows registered under k alone, then flows registered under k with a partner key, grouped by the partner's slot.
/// When the slot is an equality slot (at most one hit per event), the partner is found by searching the group for that
/// slot's hit key; otherwise (stored as 0) each partner is checked. When every number fits, the same blocks are also
/// kept 16-bit (<see cref="Blob16"/>), halving what an event reads. Partner i's ranks are <c>Blob[offset[i]..offset[i+1]]</c>,
/// and <c>offset[n]</c> is where the next group starts. Ranks are ascending within each run.
/// </para>
/// </summary>
internal sealed class TriggerPlan
{
    private TriggerPlan(int flowCount, int[] keywordSlots, int[] equalitySlots, bool usesTags, int[] always, int[] keyBlock, int[] blob)
    {
        FlowCount = flowCount;
        KeywordSlots = keywordSlots;
        EqualitySlots = equalitySlots;
        UsesTags = usesTags;
        Always = always;
        KeyBlock = keyBlock;
        Blob = blob;
    }

    public int FlowCount { get; }

    public int[] KeywordSlots { get; }

    public int[] EqualitySlots { get; }

    public bool UsesTags { get; }

    public int[] Always { get; }

    /// <summary>Every flow of the trigger is plain (exact, no <c>once_per</c>, no <c>stop</c>): a candidate always fires.</summary>
    public bool AllPlain { get; private init; }

    public int[] KeyBlock { get; }

    public int[] Blob { get; }

    /// <summary><see cref="Blob"/> in 16 bits, when every number in it fits; null otherwise.</summary>
    public ushort[]? Blob16 { get; private init; }

    /// <summary>Builds the blocks from per-key lists (ranks ascending); <paramref name="keys"/> tells each partner's slot.</summary>
    public static TriggerPlan Create(
        int flowCount, int[] keywordSlots, int[] equalitySlots, bool usesTags, int[] always,
        List<int>?[] singles, SortedDictionary<int, List<int>>?[] pairs, IReadOnlyList<SignalKey> keys, bool allPlain)
    {
        var keyBlock = new int[singles.Length];
        var blob = new List<int> { 0 };
        for (var k = 0; k < singles.Length; k++)
        {
            if (singles[k] is null && pairs[k] is null)
            {
                continue;
            }

            keyBlock[k] = blob.Count;
            blob.Add(singles[k]?.Count ?? 0);
            blob.AddRange(singles[k] ?? []);
            var groups = (pairs[k] ?? []).GroupBy(p => keys[p.Key].Kind == SlotKind.Equality ? keys[p.Key].Slot : -1).OrderBy(g => g.Key < 0).ToList();
            blob.Add(groups.Count);
            foreach (var group in groups)
            {
                var partners = group.ToList();
                blob.Add(group.Key + 1);
                blob.Add(partners.Count);
                blob.AddRange(partners.Select(p => p.Key));
                var offsets = blob.Count;
                blob.AddRange(new int[partners.Count + 1]);
                for (var i = 0; i < partners.Count; i++)
                {
                    blob[offsets + i] = blob.Count;
                    blob.AddRange(partners[i].Value);
                }

                blob[offsets + partners.Count] = blob.Count;
            }
        }

        blob.AddRange(new int[16]); // padding: partner searches read a vector at a time
        var fits = blob.Count <= ushort.MaxValue + 1 && blob.TrueForAll(v => v is >= 0 and <= ushort.MaxValue);
        return new TriggerPlan(flowCount, keywordSlots, equalitySlots, usesTags, always, keyBlock, [.. blob])
        {
            Blob16 = fits ? [.. blob.Select(v => (ushort)v)] : null,
            AllPlain = allPlain,
        };
    }

    /// <summary>How many (flow, anchor) registrations the blocks hold, alone and with a partner; for tests.</summary>
    public (int Singles, int Pairs) CountRegistrations()
    {
        var (singles, pairs) = (0, 0);
        foreach (var b in KeyBlock.Where(b => b != 0))
        {
            singles += Blob[b];
            var p = b + 1 + Blob[b];
            var groups = Blob[p++];
            for (var g = 0; g < groups; g++)
            {
                var n = Blob[p + 1];
                var offsets = p + 2 + n;
                pairs += Blob[offsets + n] - Blob[offsets];
                p = Blob[offsets + n];
            }
        }

        return (singles, pairs);
    }
}

/// <summary>A tag added (or removed) by a flow's top-level actions before any <c>stop</c>.</summary>
internal readonly record struct TagChange(string Tag, bool Add);

/// <summary>What the agenda loop needs to know about a flow, one byte per rank, so that visiting a candidate stays in cache.</summary>
[Flags]
internal enum FlowFlags : byte
{
    None = 0,

    /// <summary>Reaching the flow through its anchors proves its condition.</summary>
    Exact = 1,

    /// <summary>The flow has a top-level <c>stop</c>.</summary>
    Stops = 2,

    /// <summary>The flow has <c>once_per</c>.</summary>
    OncePer = 4,
}

/// <summary>One flow in agenda order (its rank): where its condition starts in the graph and what it does to the agenda.</summary>
internal sealed class FlowEntry(FlowDefinition flow, int rank, int root, bool exact, ExplainNode? explain, bool stops, ImmutableArray<TagChange> tagChanges)
{
    public FlowDefinition Flow { get; } = flow;

    public int Rank { get; } = rank;

    public int Root { get; } = root;

    public ExplainNode? Explain { get; } = explain;

    /// <summary>The flow has a top-level <c>stop</c>: when it fires, later flows on the agenda do not fire for the event.</summary>
    public bool Stops { get; } = stops;

    public ImmutableArray<TagChange> TagChanges { get; } = tagChanges;

    /// <summary>Reaching the flow through its anchors proves its condition, so it is not evaluated.</summary>
    public bool Exact { get; } = exact;
}
