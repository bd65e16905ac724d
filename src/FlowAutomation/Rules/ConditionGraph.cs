using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

internal enum NodeKind : byte
{
    /// <summary>No condition: always true.</summary>
    True,
    All,
    Any,
    Not,
    Atom,
}

/// <summary>
/// A node of the shared condition graph. <c>All</c>/<c>Any</c>: children are <c>Items[First..First+Count]</c>;
/// <c>Not</c>: the child is <c>First</c>; <c>Atom</c>: the atom is <c>First</c>.
/// </summary>
internal readonly record struct Node(NodeKind Kind, int First, int Count);

internal enum AtomKind : byte
{
    /// <summary><c>contains</c>, <c>contains_any</c>: some keyword key was hit.</summary>
    KeywordAny,

    /// <summary><c>contains_all</c>: every keyword key was hit.</summary>
    KeywordAll,

    /// <summary><c>not_contains</c>: no keyword key was hit.</summary>
    KeywordNone,

    /// <summary><c>equals</c>, <c>in</c> on text: the path's value key is one of the keys.</summary>
    TextIn,

    /// <summary><c>not_equals</c>, <c>not_in</c> on text.</summary>
    TextNotIn,

    /// <summary><c>has</c>, <c>has_any</c>: the contact holds one of the tag keys.</summary>
    TagAny,

    /// <summary><c>lacks</c>: the contact holds none of the tag keys.</summary>
    TagNone,

    /// <summary>
    /// <c>equals</c>, <c>in</c> on a text path that reads numbers, with values written as numbers: the path's value key is
    /// one of the keys, or the text read as a number (its number slot) is one of the numbers.
    /// </summary>
    TextOrNumberIn,

    /// <summary><c>not_equals</c>, <c>not_in</c> with values written as numbers: the negation of <see cref="TextOrNumberIn"/>.</summary>
    TextOrNumberNotIn,

    /// <summary><c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c> on a text path: the text read as a number (its number slot) compares.</summary>
    NumberCompare,

    /// <summary>Any other test, evaluated from the path's value (<c>starts_with</c>, <c>matches</c>, numbers, …).</summary>
    General,

    BusinessHours,
}

internal enum SlotKind : byte
{
    None,
    Keyword,
    Equality,
    Tags,
}

/// <summary>
/// One distinct test, shared by every flow that contains it. <see cref="Keys"/> are signal keys (see
/// <see cref="SignalKey"/>); <see cref="Slot"/> is the keyword or equality index that produces them;
/// <see cref="NumberSlot"/> the path whose text the test reads as a number (-1: none).
/// </summary>
internal sealed class Atom(AtomKind kind, SlotKind slotKind, int slot, int[] keys, CompiledTest? test, BusinessHoursCondition? hours, int numberSlot = -1)
{
    public int NumberSlot { get; } = numberSlot;

    public AtomKind Kind { get; } = kind;

    public SlotKind SlotKind { get; } = slotKind;

    public int Slot { get; } = slot;

    public int[] Keys { get; } = keys;

    /// <summary>The test with its operands folded (null for business hours): what <see cref="ConditionSemantics.Holds(CompiledTest, FactValue)"/> evaluates.</summary>
    public CompiledTest? Test { get; } = test;

    public BusinessHoursCondition? Hours { get; } = hours;

    /// <summary>True when the atom holds exactly when one of its keys was hit, so that a hit key proves it.</summary>
    public bool IsExactByAnyKey => Kind is AtomKind.KeywordAny or AtomKind.TextIn or AtomKind.TagAny
        || (Kind == AtomKind.KeywordAll && Keys.Length == 1);

    /// <summary>True when a hit of one of its keys is necessary for the atom to hold.</summary>
    public bool IsAnchorable => Keys.Length > 0 && Kind is AtomKind.KeywordAny or AtomKind.KeywordAll or AtomKind.TextIn or AtomKind.TagAny;
}

/// <summary>What a signal key stands for; for diagnostics and tests.</summary>
internal readonly record struct SignalKey(SlotKind Kind, int Slot, string Value, bool WholeWord);

/// <summary>
/// The condition tree of one flow beside the graph nodes it compiled to; the explanation walks it. <see cref="Form"/>
/// is what the explanation says of the node whatever the event (made once, from <see cref="Source"/>).
/// </summary>
internal sealed record ExplainNode(Condition Source, int Node, ImmutableArray<ExplainNode> Children)
{
    public ExplainForm Form { get; } = ExplainForm.Of(Source);

    /// <summary>The number of nodes in this tree (this node and every node below it).</summary>
    public int Size { get; } = 1 + Children.Sum(c => c.Size);

    /// <summary>This tree's nodes in depth-first order (this node first) with each one's depth below this node: the order of an explanation's node results and condition lines.</summary>
    public ImmutableArray<(ExplainNode Node, int Depth)> DepthFirst => field.IsDefault ? field = Flatten() : field;

    private ImmutableArray<(ExplainNode Node, int Depth)> Flatten()
    {
        var order = ImmutableArray.CreateBuilder<(ExplainNode, int)>(Size);
        Add(this, 0);
        return order.MoveToImmutable();

        void Add(ExplainNode node, int depth)
        {
            order.Add((node, depth));
            foreach (var child in node.Children)
            {
                Add(child, depth + 1);
            }
        }
    }
}

/// <summary>The shared condition graph: interned nodes and atoms of every flow. Immutable after build.</summary>
internal sealed class ConditionGraph(Node[] nodes, int[] items, Atom[] atoms)
{
    public Node[] Nodes { get; } = nodes;

    public int[] Items { get; } = items;

    public Atom[] Atoms { get; } = atoms;
}
