using FlowAutomation.Diagnostics;
using FlowAutomation.Model;

namespace FlowAutomation.Compilation;

/// <summary>
/// A <c>tag</c> action raises <c>contact.tagged</c>. This pass builds the graph "flow F adds tag T, and flow G runs
/// on T" and reports every cycle among <c>contact.tagged</c> flows, once per cycle.
/// </summary>
internal static class TagCyclePass
{
    /// <summary>Reports each cycle once; returns the flows on a cycle, which must not run.</summary>
    public static HashSet<FlowDefinition> Run(IReadOnlyList<FlowDefinition> flows, DiagnosticBag diagnostics)
    {
        var rejected = new HashSet<FlowDefinition>(ReferenceEqualityComparer.Instance);
        var tagged = flows.Where(f => f.Trigger == EventKind.ContactTagged && f.Enabled).ToList();
        if (tagged.Count == 0)
        {
            return rejected;
        }

        var edges = tagged.ToDictionary<FlowDefinition, FlowDefinition, List<FlowDefinition>>(
            f => f,
            f => tagged.Where(g => TagsAdded(f.Then).Any(t => Accepts(g, t))).ToList(),
            ReferenceEqualityComparer.Instance);
        var state = new Dictionary<FlowDefinition, int>(ReferenceEqualityComparer.Instance); // 1 = on the stack, 2 = done
        var stack = new List<FlowDefinition>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flow in tagged.Where(f => !state.ContainsKey(f)))
        {
            Visit(flow);
        }

        return rejected;

        void Visit(FlowDefinition flow)
        {
            state[flow] = 1;
            stack.Add(flow);
            foreach (var next in edges[flow])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    var cycle = stack.Skip(stack.FindIndex(f => ReferenceEquals(f, next))).ToList();
                    rejected.UnionWith(cycle);
                    var key = string.Join(",", cycle.Select(c => c.Id).Order(StringComparer.Ordinal));
                    if (reported.Add(key))
                    {
                        // "a tags 'x' → b tags 'y' → a": each step names the tag that starts the next flow.
                        var steps = cycle.Select((c, i) => $"{c.Id} tags '{Link(c, i + 1 < cycle.Count ? cycle[i + 1] : next)}'");
                        diagnostics.Report(DiagnosticCodes.TagCycle, next.Span, string.Join(" → ", steps.Append(next.Id)));
                    }
                }
                else if (!state.ContainsKey(next))
                {
                    Visit(next);
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[flow] = 2;
        }
    }

    private static string Link(FlowDefinition from, FlowDefinition to) => TagsAdded(from.Then).First(t => Accepts(to, t));

    private static IEnumerable<string> TagsAdded(IEnumerable<FlowAction> actions) => actions.SelectMany(a => a switch
    {
        TagAction t => t.Tags.AsEnumerable(),
        FollowUpAction f => TagsAdded(f.Then),
        _ => [],
    });

    /// <summary>Whether the flow's top-level conditions allow <c>event.tag</c> to be the given tag.</summary>
    private static bool Accepts(FlowDefinition flow, string tag) => Allows(flow.When, tag);

    private static bool Allows(Condition? condition, string tag) => condition switch
    {
        null => true,
        AllCondition all => all.Items.All(c => Allows(c, tag)),
        AnyCondition any => any.Items.Any(c => Allows(c, tag)),
        TestCondition { Path.Id: PathId.EventTag } test => test.Operator switch
        {
            TestOperator.Equals or TestOperator.In => test.Values.Contains(tag, StringComparer.OrdinalIgnoreCase),
            TestOperator.NotEquals or TestOperator.NotIn => !test.Values.Contains(tag, StringComparer.OrdinalIgnoreCase),
            _ => true,
        },
        _ => true,
    };
}
