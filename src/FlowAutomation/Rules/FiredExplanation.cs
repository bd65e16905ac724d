using System.Runtime.CompilerServices;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// The explanation of a flow that an evaluation fired, for the activation's own event, as the evaluation gives it
/// (<see cref="IRuleEngine.EvaluateExplained"/>): the result of each node of the flow's condition, in the order of its
/// condition tree (depth first), without a <see cref="ConditionTrace"/> tree; <see cref="ToExplanation"/> makes the full
/// <see cref="FlowExplanation"/> (outcome fired). An engine that explains through
/// <see cref="IRuleEngine.Explain(FactSnapshot, IEnumerable{string}, IFiringHistory?)"/> gives that explanation itself.
/// </summary>
public sealed class FiredExplanation
{
    /// <summary>The most nodes whose results are kept as the bits of one number instead of an array.</summary>
    internal const int BitsLimit = 64;

    private readonly FlowEntry? entry;

    // Each node's result in depth-first order: bit i of bits for a tree of at most BitsLimit nodes (the usual case: no
    // array per fired flow), else results[i].
    private readonly ulong bits;
    private readonly bool[]? results;

    /// <summary>From the evaluating session: each node's result in the depth-first order of <paramref name="entry"/>'s condition tree.</summary>
    internal FiredExplanation(FlowEntry entry, FactSnapshot facts, NodeResults results)
    {
        this.entry = entry;
        (bits, this.results) = (results.Bits, results.Array);
        Flow = entry.Flow;
        Facts = facts;
    }

    /// <summary>From a full explanation (an engine that explains through its own path).</summary>
    internal FiredExplanation(FlowExplanation explanation, FactSnapshot facts)
    {
        Explanation = explanation;
        Flow = explanation.Flow;
        Facts = facts;
    }

    public FlowDefinition Flow { get; }

    /// <summary>The event (and contact) the flow fired for.</summary>
    public FactSnapshot Facts { get; }

    /// <summary>The full explanation when the engine gave one; null when it gave the node results (<see cref="Condition"/>).</summary>
    internal FlowExplanation? Explanation { get; }

    /// <summary>The flow's condition tree (null without <c>when</c>) when the engine gave node results.</summary>
    internal ExplainNode? Condition => entry?.Explain;

    /// <summary>The node's result, by its depth-first position in <see cref="Condition"/>.</summary>
    internal bool Result(int position) => results is { } array ? array[position] : ((bits >> position) & 1) != 0;

    /// <summary>The node results of <paramref name="root"/>'s tree in depth-first order, from <paramref name="nodeResult"/> (by graph node).</summary>
    [MethodImpl(Hot.Options)]
    internal static NodeResults Results(ExplainNode? root, Func<int, bool> nodeResult)
    {
        if (root is null)
        {
            return default;
        }

        var order = root.DepthFirst;
        if (order.Length <= BitsLimit)
        {
            var bits = 0UL;
            for (var i = 0; i < order.Length; i++)
            {
                if (nodeResult(order[i].Node.Node))
                {
                    bits |= 1UL << i;
                }
            }

            return new(bits, null);
        }

        var results = new bool[order.Length];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = nodeResult(order[i].Node.Node);
        }

        return new(0, results);
    }

    /// <summary>The full explanation: outcome fired, reason "fired", the condition tree with every node's result.</summary>
    public FlowExplanation ToExplanation()
    {
        if (Explanation is not null)
        {
            return Explanation;
        }

        var byNode = new Dictionary<int, bool>();
        var next = 0;
        if (entry!.Explain is { } root)
        {
            Map(root);
        }

        return ExplanationBuilder.Fired(entry, Facts, node => byNode[node]);

        void Map(ExplainNode node)
        {
            byNode[node.Node] = Result(next++);
            foreach (var child in node.Children)
            {
                Map(child);
            }
        }
    }
}

/// <summary>A fired flow's node results in depth-first order: the bits of <see cref="Bits"/>, or <see cref="Array"/> when the tree has more than <see cref="FiredExplanation.BitsLimit"/> nodes.</summary>
internal readonly record struct NodeResults(ulong Bits, bool[]? Array);
