using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// Compiles condition trees into the shared <see cref="ConditionGraph"/>: identical tests (compared after folding, not by
/// the records' own equality) become one atom, identical subtrees one node, and every keyword, text value and tag that a
/// test mentions becomes a signal key produced by a keyword automaton or a value index.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly List<Node> nodes = [];
    private readonly List<int> items = [];
    private readonly List<Atom> atoms = [];
    private readonly Dictionary<string, int> nodeIds = new(StringComparer.Ordinal);
    private readonly List<SignalKey> keys = [];
    private readonly Dictionary<SignalKey, int> keyIds = [];
    private readonly List<KeywordSlot> keywordSlots = [];
    private readonly Dictionary<FieldPath, int> keywordSlotIds = [];
    private readonly List<ValueSlot> valueSlots = [];
    private readonly Dictionary<FieldPath, int> valueSlotIds = [];
    private readonly Dictionary<string, int> tagKeys = new(StringComparer.Ordinal);
    private readonly List<FieldPath> numberPaths = [];
    private readonly Dictionary<FieldPath, int> numberSlotIds = [];

    public IReadOnlyList<SignalKey> Keys => keys;

    public ConditionGraph Graph() => new([.. nodes], [.. items], [.. atoms]);

    public KeywordIndex[] KeywordIndexes(int denseLimit) => [.. keywordSlots.Select(s => s.Build(denseLimit))];

    public ValueIndex[] ValueIndexes() => [.. valueSlots.Select(s => new ValueIndex(s.Path, s.Keys))];

    public ValueIndex TagIndex() => new(new FieldPath(PathId.ContactTags, null), tagKeys);

    /// <summary>The text paths that tests read as numbers, by number slot.</summary>
    public FieldPath[] NumberPaths() => [.. numberPaths];

    /// <summary>Compiles a flow's condition (null: always true) and returns its root node with the tree beside it.</summary>
    public int Compile(Condition? condition, out ExplainNode? explain)
    {
        if (condition is null)
        {
            explain = null;
            return Intern("T", new Node(NodeKind.True, 0, 0));
        }

        explain = CompileNode(condition);
        return explain.Node;
    }

    private ExplainNode CompileNode(Condition condition)
    {
        switch (condition)
        {
            case AllCondition all:
                return Composite(condition, NodeKind.All, all.Items);
            case AnyCondition any:
                return Composite(condition, NodeKind.Any, any.Items);
            case NotCondition not:
                var inner = CompileNode(not.Inner);
                return new ExplainNode(condition, Intern("N" + inner.Node.ToString(CultureInfo.InvariantCulture), new Node(NodeKind.Not, inner.Node, 1)), [inner]);
            case BusinessHoursCondition hours:
                var key = string.Join('|', "H", string.Join(',', hours.Days.Order()), hours.From.Ticks, hours.To.Ticks, hours.ToIsEndOfDay, hours.Zone.Id);
                return new ExplainNode(condition, AtomNode(key, () => new Atom(AtomKind.BusinessHours, SlotKind.None, -1, [], null, hours)), []);
            case TestCondition test:
                return new ExplainNode(condition, AtomNode(AtomKey(test), () => CreateAtom(test)), []);
            default:
                throw new ArgumentException($"unknown condition type {condition.GetType().Name}", nameof(condition));
        }
    }

    private ExplainNode Composite(Condition source, NodeKind kind, ImmutableArray<Condition> children)
    {
        var compiled = children.Select(CompileNode).ToImmutableArray();
        var key = (kind == NodeKind.All ? "A" : "O") + string.Join(',', compiled.Select(c => c.Node));
        if (!nodeIds.TryGetValue(key, out var id))
        {
            var first = items.Count;
            items.AddRange(compiled.Select(c => c.Node));
            id = Intern(key, new Node(kind, first, compiled.Length));
        }

        return new ExplainNode(source, id, compiled);
    }

    private int AtomNode(string key, Func<Atom> create)
    {
        if (nodeIds.TryGetValue(key, out var id))
        {
            return id;
        }

        atoms.Add(create());
        return Intern(key, new Node(NodeKind.Atom, atoms.Count - 1, 0));
    }

    private int Intern(string key, Node node)
    {
        if (!nodeIds.TryGetValue(key, out var id))
        {
            id = nodes.Count;
            nodes.Add(node);
            nodeIds.Add(key, id);
        }

        return id;
    }

    private static string AtomKey(TestCondition t)
    {
        var keyword = IsKeyword(t.Operator);
        var key = new StringBuilder("T|").Append(t.Path.Text).Append('|').Append(t.Operator).Append('|').Append(keyword && t.WholeWord)
            .Append('|').Append(t.Number?.ToString("R", CultureInfo.InvariantCulture)).Append('|').Append(t.Flag)
            .Append('|').Append(t.Regex?.Options).Append('|').Append(t.Regex?.ToString());
        foreach (var number in t.ValueNumbers)
        {
            key.Append('\u0002').Append(number?.ToString("R", CultureInfo.InvariantCulture));
        }

        foreach (var value in t.Values)
        {
            key.Append('\u0001').Append(keyword ? TextRules.FoldKeyword(value) : TextRules.Fold(value));
        }

        return key.ToString();
    }

    private static bool IsKeyword(TestOperator op) => op is TestOperator.Contains or TestOperator.ContainsAny or TestOperator.ContainsAll or TestOperator.NotContains;

    private Atom CreateAtom(TestCondition t)
    {
        var compiled = new CompiledTest(t);
        var isText = t.Path.Kind == ValueKind.Text;
        switch (t.Operator)
        {
            case TestOperator.Contains or TestOperator.ContainsAny or TestOperator.ContainsAll or TestOperator.NotContains:
                var slot = KeywordSlotFor(t.Path);
                var keywordKeys = t.Values.Select(v => KeywordKey(slot, TextRules.FoldKeyword(v), t.WholeWord)).Distinct().ToArray();
                var kind = t.Operator switch
                {
                    TestOperator.ContainsAll => AtomKind.KeywordAll,
                    TestOperator.NotContains => AtomKind.KeywordNone,
                    _ => AtomKind.KeywordAny,
                };
                return new Atom(kind, SlotKind.Keyword, slot, keywordKeys, compiled, null);
            case TestOperator.Equals or TestOperator.In or TestOperator.NotEquals or TestOperator.NotIn when isText:
                var valueSlot = ValueSlotFor(t.Path);
                var valueKeys = t.Values.Select(v => ValueKey(valueSlot, TextRules.Fold(v))).Distinct().ToArray();
                var negated = t.Operator is TestOperator.NotEquals or TestOperator.NotIn;
                if (ConditionSemantics.ReadsNumber(t))
                {
                    // The text's key, or its number: not anchorable, since a text such as "$1,000" matches 1000 without a key.
                    return new Atom(negated ? AtomKind.TextOrNumberNotIn : AtomKind.TextOrNumberIn, SlotKind.Equality, valueSlot, valueKeys, compiled, null, NumberSlotFor(t.Path));
                }

                return new Atom(negated ? AtomKind.TextNotIn : AtomKind.TextIn, SlotKind.Equality, valueSlot, valueKeys, compiled, null);
            case TestOperator.Gt or TestOperator.Gte or TestOperator.Lt or TestOperator.Lte when isText:
                return new Atom(AtomKind.NumberCompare, SlotKind.None, -1, [], compiled, null, NumberSlotFor(t.Path));
            case TestOperator.Has or TestOperator.HasAny or TestOperator.Lacks:
                var tags = t.Values.Select(v => TagKey(TextRules.Fold(v))).Distinct().ToArray();
                return new Atom(t.Operator == TestOperator.Lacks ? AtomKind.TagNone : AtomKind.TagAny, SlotKind.Tags, 0, tags, compiled, null);
            default:
                return new Atom(AtomKind.General, SlotKind.None, -1, [], compiled, null);
        }
    }

    private int KeywordSlotFor(FieldPath path)
    {
        if (!keywordSlotIds.TryGetValue(path, out var slot))
        {
            slot = keywordSlots.Count;
            keywordSlots.Add(new KeywordSlot(path));
            keywordSlotIds.Add(path, slot);
        }

        return slot;
    }

    private int NumberSlotFor(FieldPath path)
    {
        if (!numberSlotIds.TryGetValue(path, out var slot))
        {
            slot = numberPaths.Count;
            numberPaths.Add(path);
            numberSlotIds.Add(path, slot);
        }

        return slot;
    }

    private int ValueSlotFor(FieldPath path)
    {
        if (!valueSlotIds.TryGetValue(path, out var slot))
        {
            slot = valueSlots.Count;
            valueSlots.Add(new ValueSlot(path));
            valueSlotIds.Add(path, slot);
        }

        return slot;
    }

    private int KeywordKey(int slot, string folded, bool wholeWord)
    {
        var key = KeyFor(new SignalKey(SlotKind.Keyword, slot, folded, wholeWord));
        keywordSlots[slot].Add(folded, wholeWord, key);
        return key;
    }

    private int ValueKey(int slot, string folded)
    {
        var key = KeyFor(new SignalKey(SlotKind.Equality, slot, folded, false));
        valueSlots[slot].Keys[folded] = key;
        return key;
    }

    private int TagKey(string folded)
    {
        var key = KeyFor(new SignalKey(SlotKind.Tags, 0, folded, false));
        tagKeys[folded] = key;
        return key;
    }

    private int KeyFor(SignalKey signal)
    {
        if (!keyIds.TryGetValue(signal, out var id))
        {
            id = keys.Count;
            keys.Add(signal);
            keyIds.Add(signal, id);
        }

        return id;
    }

    private sealed class ValueSlot(FieldPath path)
    {
        public FieldPath Path { get; } = path;

        public Dictionary<string, int> Keys { get; } = new(StringComparer.Ordinal);
    }

    private sealed class KeywordSlot(FieldPath path)
    {
        private readonly List<string> patterns = [];
        private readonly Dictionary<string, int> patternIds = new(StringComparer.Ordinal);
        private readonly List<int> anywhere = [];
        private readonly List<int> word = [];

        public void Add(string folded, bool wholeWord, int key)
        {
            if (!patternIds.TryGetValue(folded, out var p))
            {
                p = patterns.Count;
                patterns.Add(folded);
                patternIds.Add(folded, p);
                anywhere.Add(-1);
                word.Add(-1);
            }

            (wholeWord ? word : anywhere)[p] = key;
        }

        public KeywordIndex Build(int denseLimit) => new(
            path,
            new KeywordAutomaton(patterns, denseLimit),
            [.. patterns.Select((p, i) => new PatternInfo(anywhere[i], word[i], p.Length, TextRules.StartsWithSpacedWordChar(p), TextRules.EndsWithSpacedWordChar(p)))]);
    }
}
