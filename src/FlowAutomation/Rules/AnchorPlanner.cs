namespace FlowAutomation.Rules;

/// <summary>
/// Chooses, for each flow, the signal keys under which it is indexed, so that an event visits only flows that can match.
/// A plan is a list of anchors, each one key or a pair of keys, with the guarantee: if the condition holds, then all keys
/// of at least one anchor were hit. When the plan is exact, the converse holds too, and a flow reached through an
/// anchor is not evaluated at all.
/// <list type="bullet">
/// <item>A keyword, text-value or tag test: one anchor per key (<c>contains_all</c>: its rarest key).</item>
/// <item><c>any</c>: the union of its children's anchors, if every child has some.</item>
/// <item><c>all</c>: the product of its two cheapest single-key children (a pair anchor, such as keyword × country), else
/// its cheapest child's anchors.</item>
/// <item><c>not</c>, business hours, other tests, no condition: no anchor; the flow is visited for every event of its trigger.</item>
/// </list>
/// Cost is the sum of key frequencies (how many flows of the trigger mention the key), a proxy for how often a key is hit.
/// </summary>
internal sealed class AnchorPlanner(ConditionGraph graph, IReadOnlyDictionary<int, int> frequency)
{
    /// <summary>The largest number of pair anchors one <c>all</c> may produce before the planner falls back to one child.</summary>
    public const int MaxPairs = 64;

    public Plan? PlanFor(int node)
    {
        var n = graph.Nodes[node];
        switch (n.Kind)
        {
            case NodeKind.Atom:
                return PlanAtom(graph.Atoms[n.First]);
            case NodeKind.Any:
                var anchors = new List<(int, int)>();
                var exact = true;
                long cost = 0;
                for (var i = 0; i < n.Count; i++)
                {
                    if (PlanFor(graph.Items[n.First + i]) is not { } child)
                    {
                        return null;
                    }

                    anchors.AddRange(child.Anchors);
                    exact &= child.Exact;
                    cost += child.Cost;
                }

                return new Plan(anchors, exact, cost);
            case NodeKind.All:
                return PlanAll(n);
            default:
                return null;
        }
    }

    private Plan? PlanAtom(Atom atom)
    {
        if (!atom.IsAnchorable)
        {
            return null;
        }

        if (atom.Kind == AtomKind.KeywordAll)
        {
            var rarest = atom.Keys.MinBy(Frequency);
            return new Plan([(rarest, -1)], atom.Keys.Length == 1, Frequency(rarest));
        }

        return new Plan([.. atom.Keys.Select(k => (k, -1))], atom.IsExactByAnyKey, atom.Keys.Sum(k => (long)Frequency(k)));
    }

    private Plan? PlanAll(Node n)
    {
        var children = new List<Plan>();
        for (var i = 0; i < n.Count; i++)
        {
            if (PlanFor(graph.Items[n.First + i]) is { } child)
            {
                children.Add(child);
            }
        }

        if (children.Count == 0)
        {
            return null;
        }

        children.Sort((a, b) => a.Cost.CompareTo(b.Cost));
        var singles = children.Where(c => c.IsSingleKeyed).ToList();
        if (singles.Count >= 2 && singles[0].Anchors.Count * singles[1].Anchors.Count <= MaxPairs)
        {
            // Register under the cheaper side's keys; the other side's key is checked as the partner.
            var (first, second) = (singles[0], singles[1]);
            var pairs = new List<(int, int)>();
            foreach (var (a, _) in first.Anchors)
            {
                foreach (var (b, _) in second.Anchors)
                {
                    pairs.Add((a, b));
                }
            }

            return new Plan(pairs, n.Count == 2 && first.Exact && second.Exact, Math.Min(first.Cost, second.Cost));
        }

        var best = children[0];
        return new Plan(best.Anchors, n.Count == 1 && best.Exact, best.Cost);
    }

    private int Frequency(int key) => frequency.TryGetValue(key, out var f) ? f : 0;

    /// <summary>Anchors are (key, partner) with partner -1 for a single key.</summary>
    internal sealed record Plan(List<(int Key, int Partner)> Anchors, bool Exact, long Cost)
    {
        public bool IsSingleKeyed => Anchors.TrueForAll(a => a.Partner < 0);
    }
}
