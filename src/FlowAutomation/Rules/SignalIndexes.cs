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
/// keys) makes candidates. Flows without an anchor are in <see cref="Always"/>. The anchors are flat arrays (compressed
/// rows, indexed by key) so that walking them reads memory sequentially:
/// <list type="bullet">
/// <item>key k alone: ranks <c>SingleRanks[SingleStart[k]..SingleStart[k+1]]</c>;</item>
/// <item>key k with a partner: partner groups g in <c>GroupStart[k]..GroupStart[k+1]</c>; group g holds partners i in
/// <c>GroupFirst[g]..GroupFirst[g+1]</c>, each needing key <c>PairOther[i]</c>, with ranks
/// <c>PairRanks[PairRankStart[i]..PairRankStart[i+1]]</c>. When <c>GroupSlot[g]</c> is an equality slot (at most one hit
/// per event), the partner is found by searching the group for that slot's hit key; otherwise (-1) each partner's key is
/// checked.</item>
/// </list>
/// Ranks are ascending within each run.
/// </summary>
internal sealed class TriggerPlan
{
    private TriggerPlan(int flowCount, int[] keywordSlots, int[] equalitySlots, bool usesTags, int[] always)
    {
        FlowCount = flowCount;
        KeywordSlots = keywordSlots;
        EqualitySlots = equalitySlots;
        UsesTags = usesTags;
        Always = always;
    }

    public int FlowCount { get; }

    public int[] KeywordSlots { get; }

    public int[] EqualitySlots { get; }

    public bool UsesTags { get; }

    public int[] Always { get; }

    public int[] SingleStart { get; private init; } = [];

    public int[] SingleRanks { get; private init; } = [];

    public int[] GroupStart { get; private init; } = [];

    public int[] GroupSlot { get; private init; } = [];

    public int[] GroupFirst { get; private init; } = [];

    public int[] PairOther { get; private init; } = [];

    public int[] PairRankStart { get; private init; } = [];

    public int[] PairRanks { get; private init; } = [];

    /// <summary>Builds the flat arrays from per-key lists (ranks ascending); <paramref name="keys"/> tells each partner's slot.</summary>
    public static TriggerPlan Create(
        int flowCount, int[] keywordSlots, int[] equalitySlots, bool usesTags, int[] always,
        List<int>?[] singles, SortedDictionary<int, List<int>>?[] pairs, IReadOnlyList<SignalKey> keys)
    {
        var singleStart = new int[singles.Length + 1];
        var singleRanks = new List<int>();
        var groupStart = new int[pairs.Length + 1];
        var groupSlot = new List<int>();
        var groupFirst = new List<int>();
        var pairOther = new List<int>();
        var pairRankStart = new List<int>();
        var pairRanks = new List<int>();
        for (var k = 0; k < singles.Length; k++)
        {
            singleStart[k] = singleRanks.Count;
            singleRanks.AddRange(singles[k] ?? []);
            groupStart[k] = groupSlot.Count;
            var groups = (pairs[k] ?? []).GroupBy(p => keys[p.Key].Kind == SlotKind.Equality ? keys[p.Key].Slot : -1).OrderBy(g => g.Key < 0);
            foreach (var group in groups)
            {
                groupSlot.Add(group.Key);
                groupFirst.Add(pairOther.Count);
                foreach (var (other, ranks) in group)
                {
                    pairOther.Add(other);
                    pairRankStart.Add(pairRanks.Count);
                    pairRanks.AddRange(ranks);
                }
            }
        }

        singleStart[singles.Length] = singleRanks.Count;
        groupStart[pairs.Length] = groupSlot.Count;
        groupFirst.Add(pairOther.Count);
        pairRankStart.Add(pairRanks.Count);
        return new TriggerPlan(flowCount, keywordSlots, equalitySlots, usesTags, always)
        {
            SingleStart = singleStart,
            SingleRanks = [.. singleRanks],
            GroupStart = groupStart,
            GroupSlot = [.. groupSlot],
            GroupFirst = [.. groupFirst],
            PairOther = [.. pairOther],
            PairRankStart = [.. pairRankStart],
            PairRanks = [.. pairRanks],
        };
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
