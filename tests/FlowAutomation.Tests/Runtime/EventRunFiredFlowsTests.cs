using System.Collections.Immutable;
using FlowAutomation.Runtime;
using FlowAutomation.State;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// <see cref="EventRun.FiredFlows"/> fills its array itself (no builder): each flow once, in the order it first fired,
/// whether the run fired none, one, a few (the linear search) or many (the hash set), with repeats anywhere.
/// </summary>
public sealed class EventRunFiredFlowsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static readonly TeamDirectory NoTeams = new(ImmutableDictionary<string, ImmutableArray<string>>.Empty, []);

    private static EventRun NewRun() =>
        new(ConversationState.New("c-1", "u-1"), Now, key: null) { Teams = NoTeams.WithoutReading(), ImageInspector = DeclaredImageInspector.Instance };

    [Fact]
    public void FiredFlows_NoneOrOne_EmptyOrThatFlow()
    {
        var none = NewRun();
        Assert.Empty(none.FiredFlows());

        var one = NewRun();
        one.RecordFired("price");
        Assert.Equal(["price"], one.FiredFlows().ToArray());
    }

    [Fact]
    public void FiredFlows_RepeatsBetweenOthers_EachOnceInFirstOrder()
    {
        var run = NewRun();
        foreach (var id in new[] { "b", "a", "b", "c", "a", "a" })
        {
            run.RecordFired(id);
        }

        Assert.Equal(["b", "a", "c"], run.FiredFlows().ToArray());
    }

    [Fact]
    public void FiredFlows_RandomSequences_SameAsDistinctInOrder()
    {
        var random = new Random(15);
        for (var round = 0; round < 500; round++)
        {
            var run = NewRun();
            // Ids made anew each time (equal text, other instances), from a pool small enough to repeat.
            var ids = Enumerable.Range(0, random.Next(0, 24)).Select(_ => new string('f', 1) + random.Next(0, random.Next(1, 16))).ToArray();
            foreach (var id in ids)
            {
                run.RecordFired(id);
            }

            Assert.Equal(ids.Distinct(StringComparer.Ordinal).ToArray(), run.FiredFlows().ToArray());
        }
    }
}
