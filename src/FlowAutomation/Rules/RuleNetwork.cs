using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// The compiled rule network of a flow set: built once (<see cref="Build"/>), immutable and safe to share between
/// threads. Evaluation state lives in a <see cref="RuleSession"/> (one per thread, reused across events).
/// <para>
/// Matching does not walk the flows: each event computes its signals once (one Aho-Corasick pass per keyword path over
/// the folded text, one hash lookup per text path with equality tests, one per contact tag), the signals select the
/// candidate flows through the trigger's anchor index, and only candidates are evaluated, over a condition graph whose
/// shared nodes are evaluated at most once per event. See docs/rule-network.md.
/// </para>
/// </summary>
public sealed class RuleNetwork : IRuleEngine
{
    private RuleSession? pooled;
    private RuleSession? explainPooled;

    private RuleNetwork(
        RuleNetworkOptions options,
        FlowEntry[] entries,
        ConditionGraph graph,
        KeywordIndex[] keywordIndexes,
        ValueIndex[] valueIndexes,
        ValueIndex tagIndex,
        FieldPath[] numberPaths,
        SignalKey[] keys,
        TriggerPlan[] plans)
    {
        NumberPaths = numberPaths;
        Options = options;
        Entries = entries;
        Graph = graph;
        KeywordIndexes = keywordIndexes;
        ValueIndexes = valueIndexes;
        TagIndex = tagIndex;
        Keys = keys;
        Plans = plans;
        Flags = [.. entries.Select(e => (e.Exact ? FlowFlags.Exact : 0) | (e.Stops ? FlowFlags.Stops : 0) | (e.Flow.OncePer != OncePer.None ? FlowFlags.OncePer : 0))];
        Roots = [.. entries.Select(e => e.Root)];
        Plain = new ulong[(entries.Length + 63) / 64];
        for (var r = 0; r < entries.Length; r++)
        {
            if (Flags[r] == FlowFlags.Exact)
            {
                Plain[r >> 6] |= 1UL << r;
            }
        }

        Flows = [.. entries.Select(e => e.Flow)];
        ById = entries.ToFrozenDictionary(e => e.Flow.Id, StringComparer.Ordinal);
    }

    public RuleNetworkOptions Options { get; }

    public RuleEngineKind Kind => RuleEngineKind.Network;

    /// <summary>Every flow, enabled or not, in agenda order: higher priority first, then file order.</summary>
    public ImmutableArray<FlowDefinition> Flows { get; }

    internal FlowEntry[] Entries { get; }

    /// <summary>The entries' flags, by rank.</summary>
    internal FlowFlags[] Flags { get; }

    /// <summary>By rank, one bit per flow that is exact with neither <c>once_per</c> nor <c>stop</c>: reached means fired.</summary>
    internal ulong[] Plain { get; }

    /// <summary>The entries' root nodes, by rank.</summary>
    internal int[] Roots { get; }

    internal FrozenDictionary<string, FlowEntry> ById { get; }

    internal ConditionGraph Graph { get; }

    internal KeywordIndex[] KeywordIndexes { get; }

    internal ValueIndex[] ValueIndexes { get; }

    internal ValueIndex TagIndex { get; }

    /// <summary>The text paths that tests read as numbers, by number slot; read at most once per event, when a test needs one.</summary>
    internal FieldPath[] NumberPaths { get; }

    internal SignalKey[] Keys { get; }

    /// <summary>The index of each trigger, by <see cref="EventKind"/>.</summary>
    internal TriggerPlan[] Plans { get; }

    /// <summary>
    /// Builds the network of a flow set (normally <c>FlowCompilation.Flows</c>: bound and validated). Flow ids must be
    /// unique; keyword operands must not be blank.
    /// </summary>
    public static RuleNetwork Build(IEnumerable<FlowDefinition> flows, RuleNetworkOptions? options = null)
    {
        options ??= RuleNetworkOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxChainDepth);
        var agenda = FlowAgenda.Build(flows);
        var ranked = agenda.Flows;
        var builder = agenda.Builder;
        var graph = agenda.Graph;
        var plans = new TriggerPlan[Enum.GetValues<EventKind>().Length];
        var exact = new bool[ranked.Count];
        foreach (var trigger in Enum.GetValues<EventKind>())
        {
            var members = Enumerable.Range(0, ranked.Count).Where(r => ranked[r].Enabled && ranked[r].Trigger == trigger).ToList();
            plans[(int)trigger] = PlanTrigger(graph, agenda.Roots, ranked, members, builder.Keys, exact);
        }

        return new RuleNetwork(
            options,
            [.. Enumerable.Range(0, ranked.Count).Select(r => agenda.Entry(r, exact[r]))],
            graph,
            builder.KeywordIndexes(options.DenseAutomatonLimit),
            builder.ValueIndexes(),
            builder.TagIndex(),
            builder.NumberPaths(),
            [.. builder.Keys],
            plans);
    }

    /// <summary>A session for one thread: it holds the per-event scratch state and is reused from event to event.</summary>
    public RuleSession CreateSession() => new(this);

    /// <summary>A session for an explanation: the one kept for explanations when it is free, else a new one.</summary>
    internal RuleSession RentExplainSession() => Interlocked.Exchange(ref explainPooled, null) ?? CreateSession();

    /// <summary>Keeps <paramref name="session"/> for the next explanation.</summary>
    internal void ReturnExplainSession(RuleSession session) => Interlocked.CompareExchange(ref explainPooled, session, null);

    /// <summary>
    /// Evaluates one event with a pooled session and copies the result out (allocates the result). For a loop over many
    /// events, keep a <see cref="RuleSession"/> instead. Thread-safe.
    /// </summary>
    [MethodImpl(Hot.Options)]
    public RuleEvaluationResult Evaluate(FactSnapshot facts, IFiringHistory? history = null)
    {
        var session = Interlocked.Exchange(ref pooled, null) ?? CreateSession();
        var result = session.Evaluate(facts, history).ToResult();
        Interlocked.CompareExchange(ref pooled, session, null);
        return result;
    }

    /// <summary>
    /// Evaluates one event with a pooled session and explains each activation's flow from that same evaluation: the
    /// session's signals and condition results for the activation's event, no second session and no replay of the
    /// agenda (the outcome is known: fired). Thread-safe.
    /// </summary>
    [MethodImpl(Hot.Options)]
    public RuleEvaluationResult EvaluateExplained(FactSnapshot facts, IFiringHistory? history = null)
    {
        var session = Interlocked.Exchange(ref pooled, null) ?? CreateSession();
        var (evaluation, explanations) = session.EvaluateExplained(facts, history);
        var result = evaluation.ToResult() with { Explanations = explanations };
        Interlocked.CompareExchange(ref pooled, session, null);
        return result;
    }

    /// <summary>
    /// Explains the event for every flow of the network: for each, whether it fired or why not, and for each condition
    /// node its path, operator, operands, the actual value and the result. The slow path; the normal evaluation does not
    /// pay for it. Chaining is not followed: explain a <c>contact.tagged</c> activation with its own <see cref="Activation.Facts"/>.
    /// </summary>
    public RuleExplanation Explain(FactSnapshot facts, IFiringHistory? history = null) =>
        new RuleExplainer(this).Explain(facts, history, Entries);

    /// <summary>Explains the event for the named flows only (any trigger). Unknown ids throw <see cref="KeyNotFoundException"/>.</summary>
    public RuleExplanation Explain(FactSnapshot facts, IEnumerable<string> flowIds, IFiringHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var chosen = flowIds.Select(id => ById.TryGetValue(id, out var e) ? e : throw new KeyNotFoundException($"no flow '{id}' in the network"));
        return new RuleExplainer(this).Explain(facts, history, [.. chosen.Distinct()]);
    }

    private static TriggerPlan PlanTrigger(ConditionGraph graph, int[] roots, IReadOnlyList<FlowDefinition> flows, List<int> members, IReadOnlyList<SignalKey> keys, bool[] exact)
    {
        // How many flows of the trigger mention each anchorable key: the planner's cost of anchoring on it.
        var frequency = new Dictionary<int, int>();
        var keywordSlots = new SortedSet<int>();
        var valueSlots = new SortedSet<int>();
        var usesTags = false;
        foreach (var r in members)
        {
            var atoms = new HashSet<int>();
            CollectAtoms(graph, roots[r], atoms);
            foreach (var atom in atoms.Select(a => graph.Atoms[a]))
            {
                _ = atom.SlotKind switch
                {
                    SlotKind.Keyword => keywordSlots.Add(atom.Slot),
                    SlotKind.Equality => valueSlots.Add(atom.Slot),
                    SlotKind.Tags => usesTags = true,
                    _ => false,
                };
                if (atom.IsAnchorable)
                {
                    foreach (var k in atom.Keys)
                    {
                        frequency[k] = frequency.GetValueOrDefault(k) + 1;
                    }
                }
            }
        }

        var planner = new AnchorPlanner(graph, frequency);
        var always = new List<int>();
        var singles = new List<int>?[keys.Count];
        var pairs = new SortedDictionary<int, List<int>>?[keys.Count];
        foreach (var r in members)
        {
            var root = graph.Nodes[roots[r]];
            var plan = root.Kind == NodeKind.True ? null : planner.PlanFor(roots[r]);
            if (plan is null)
            {
                always.Add(r);
                exact[r] = root.Kind == NodeKind.True;
                continue;
            }

            exact[r] = plan.Exact;
            foreach (var (key, partner) in plan.Anchors)
            {
                List<int>? bucket;
                if (partner < 0)
                {
                    bucket = singles[key] ??= [];
                }
                else
                {
                    var partners = pairs[key] ??= [];
                    if (!partners.TryGetValue(partner, out bucket))
                    {
                        bucket = partners[partner] = [];
                    }
                }

                if (bucket.Count == 0 || bucket[^1] != r)
                {
                    bucket.Add(r);
                }
            }
        }

        var allPlain = members.TrueForAll(r => exact[r] && !FlowAgenda.Stops(flows[r]) && flows[r].OncePer == OncePer.None);
        return TriggerPlan.Create(members.Count, [.. keywordSlots], [.. valueSlots], usesTags, [.. always], singles, pairs, keys, allPlain);
    }

    private static void CollectAtoms(ConditionGraph graph, int node, HashSet<int> into)
    {
        var n = graph.Nodes[node];
        switch (n.Kind)
        {
            case NodeKind.Atom:
                into.Add(n.First);
                break;
            case NodeKind.Not:
                CollectAtoms(graph, n.First, into);
                break;
            case NodeKind.All or NodeKind.Any:
                for (var i = 0; i < n.Count; i++)
                {
                    CollectAtoms(graph, graph.Items[n.First + i], into);
                }

                break;
        }
    }
}
