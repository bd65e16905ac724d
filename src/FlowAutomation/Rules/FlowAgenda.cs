using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// A flow set in agenda order with every condition compiled into one shared graph: the stage both rule engines start
/// from, so that they agree on the order (higher priority first, then file order), on which conditions are the same
/// condition, and on what each flow does to the agenda (<c>stop</c>) and to the contact's tags.
/// </summary>
internal sealed class FlowAgenda
{
    private FlowAgenda(List<FlowDefinition> flows, int[] roots, ExplainNode?[] explains, GraphBuilder builder)
    {
        Flows = flows;
        Roots = roots;
        Explains = explains;
        Builder = builder;
        Graph = builder.Graph();
    }

    /// <summary>Every flow, enabled or not, by rank: higher priority first, then file order.</summary>
    public IReadOnlyList<FlowDefinition> Flows { get; }

    /// <summary>Each flow's condition as a node of <see cref="Graph"/>, by rank.</summary>
    public int[] Roots { get; }

    /// <summary>Each flow's condition tree beside its graph nodes (null without <c>when</c>), by rank.</summary>
    public ExplainNode?[] Explains { get; }

    /// <summary>The builder that interned the conditions; it also knows every keyword, value and tag signal.</summary>
    public GraphBuilder Builder { get; }

    public ConditionGraph Graph { get; }

    /// <summary>
    /// Ranks the flows and compiles their conditions (normally <c>FlowCompilation.Flows</c>: bound and validated). Flow
    /// ids must be unique; keyword operands must not be blank.
    /// </summary>
    public static FlowAgenda Build(IEnumerable<FlowDefinition> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        var ranked = flows.Select((f, i) => (Flow: f, Index: i))
            .OrderByDescending(x => x.Flow.Priority).ThenBy(x => x.Flow.Order).ThenBy(x => x.Index)
            .Select(x => x.Flow).ToList();
        var duplicate = ranked.GroupBy(f => f.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"flow id '{duplicate.Key}' occurs more than once", nameof(flows));
        }

        var builder = new GraphBuilder();
        var roots = new int[ranked.Count];
        var explains = new ExplainNode?[ranked.Count];
        for (var r = 0; r < ranked.Count; r++)
        {
            RejectBlankKeywords(ranked[r]);
            roots[r] = builder.Compile(ranked[r].When, out explains[r]);
        }

        return new FlowAgenda(ranked, roots, explains, builder);
    }

    /// <summary>The flow at <paramref name="rank"/> with what the agenda needs to know about it.</summary>
    public FlowEntry Entry(int rank, bool exact)
    {
        var flow = Flows[rank];
        return new FlowEntry(flow, rank, Roots[rank], exact, Explains[rank], Stops(flow), TagChanges(flow));
    }

    /// <summary>The flow has a top-level <c>stop</c>.</summary>
    public static bool Stops(FlowDefinition flow) => flow.Then.Any(a => a is StopAction);

    /// <summary>The tags the flow's top-level actions add or remove, in order, up to its first <c>stop</c>.</summary>
    public static ImmutableArray<TagChange> TagChanges(FlowDefinition flow)
    {
        var changes = ImmutableArray.CreateBuilder<TagChange>();
        foreach (var action in flow.Then)
        {
            switch (action)
            {
                case StopAction:
                    return changes.ToImmutable();
                case TagAction tag:
                    changes.AddRange(tag.Tags.Select(t => new TagChange(t, true)));
                    break;
                case UntagAction untag:
                    changes.AddRange(untag.Tags.Select(t => new TagChange(t, false)));
                    break;
            }
        }

        return changes.ToImmutable();
    }

    private static void RejectBlankKeywords(FlowDefinition flow)
    {
        if (flow.When is { } when && HasBlankKeyword(when))
        {
            throw new ArgumentException($"flow '{flow.Id}' has a blank keyword", nameof(flow));
        }

        static bool HasBlankKeyword(Condition c) => c switch
        {
            AllCondition all => all.Items.Any(HasBlankKeyword),
            AnyCondition any => any.Items.Any(HasBlankKeyword),
            NotCondition not => HasBlankKeyword(not.Inner),
            TestCondition { Operator: TestOperator.Contains or TestOperator.ContainsAny or TestOperator.ContainsAll or TestOperator.NotContains } t =>
                t.Values.Any(string.IsNullOrWhiteSpace),
            _ => false,
        };
    }
}
