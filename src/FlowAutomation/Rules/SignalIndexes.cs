using System.Collections.Frozen;
using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// The keyword literals of every keyword test on one path, in one automaton. Each pattern (a folded keyword) has up to
/// two signal keys: "found anywhere" (for <c>whole_word: false</c>) and "found as a whole word"; -1 where no test needs it.
/// </summary>
internal sealed class KeywordIndex(FieldPath path, KeywordAutomaton automaton, int[] anywhereKey, int[] wordKey, bool[] needLeft, bool[] needRight)
{
    public FieldPath Path { get; } = path;

    public KeywordAutomaton Automaton { get; } = automaton;

    public int[] AnywhereKey { get; } = anywhereKey;

    public int[] WordKey { get; } = wordKey;

    /// <summary>The pattern's first character is a spaced word character, so the text must not have one just before it.</summary>
    public bool[] NeedLeft { get; } = needLeft;

    /// <summary>The pattern's last character is a spaced word character, so the text must not have one just after it.</summary>
    public bool[] NeedRight { get; } = needRight;
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

/// <summary>A pair anchor: flows registered under a key that also need <see cref="Other"/> to have been hit.</summary>
internal readonly record struct PairEntry(int Other, int[] Ranks);

/// <summary>
/// The index of one trigger: which signal slots to compute for its events, and which flows each signal key (or pair
/// of keys) makes candidates. Flows without an anchor are in <see cref="Always"/>.
/// </summary>
internal sealed class TriggerPlan(int flowCount, int[] keywordSlots, int[] equalitySlots, bool usesTags, int[] always, int[]?[] singles, PairEntry[]?[] pairs)
{
    public int FlowCount { get; } = flowCount;

    public int[] KeywordSlots { get; } = keywordSlots;

    public int[] EqualitySlots { get; } = equalitySlots;

    public bool UsesTags { get; } = usesTags;

    public int[] Always { get; } = always;

    public int[]?[] Singles { get; } = singles;

    public PairEntry[]?[] Pairs { get; } = pairs;
}

/// <summary>A tag added (or removed) by a flow's top-level actions before any <c>stop</c>.</summary>
internal readonly record struct TagChange(string Tag, bool Add);

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
