using System.Text;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>What the build shares and indexes, and that a warm session allocates nothing.</summary>
public sealed class RuleNetworkBuildTests
{
    private static string KeywordCountryFlows(int count)
    {
        var yaml = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"flow: f{i}\non: message.received\nwhen:\n  message.text: {{ contains_any: [w{i % 7}, w{(i + 1) % 7}] }}\n  contact.country: {(i % 2 == 0 ? "SG" : "sg")}\nthen:\n  - close: true\n---\n");
        }

        return yaml.ToString();
    }

    [Fact]
    public void Build_IdenticalConditions_AreSharedAfterFolding()
    {
        var network = Network(KeywordCountryFlows(20));

        // 7 distinct keyword pairs, one country test ("SG" and "sg" fold alike); 20 flows.
        Assert.Equal(8, network.Graph.Atoms.Length);
        Assert.Single(network.ValueIndexes);
        Assert.Equal(7, network.KeywordIndexes.Single().Automaton.PatternCount);
    }

    [Fact]
    public void Build_KeywordAndCountryFlows_AreAnchoredOnPairsAndNeedNoEvaluation()
    {
        var network = Network(KeywordCountryFlows(20));
        var plan = network.Plans[(int)EventKind.MessageReceived];

        Assert.Empty(plan.Always);
        Assert.All(network.Entries, e => Assert.True(e.Exact));
        Assert.Equal((0, 40), plan.CountRegistrations());
    }

    /// <summary>The number of partners of each equality group in the plan's blocks (the layout <see cref="TriggerPlan"/> documents).</summary>
    private static List<int> EqualityGroupSizes(TriggerPlan plan)
    {
        var sizes = new List<int>();
        foreach (var b in plan.KeyBlock.Where(b => b != 0))
        {
            var p = b + 1 + plan.Blob[b];
            for (var groups = plan.Blob[p++]; groups > 0; groups--)
            {
                var n = plan.Blob[p + 1];
                if (plan.Blob[p] > 0)
                {
                    sizes.Add(n);
                }

                p = plan.Blob[p + 2 + n + n];
            }
        }

        return sizes;
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void Evaluate_KeywordWithManyCountryPartners_FiresForEveryListedCountryOnly(int countries)
    {
        // The keyword is the rarer side, so the flow is registered under it with one partner per country: one equality
        // group, which the session searches a vector at a time (40 partners span several vectors of 16- or 32-bit numbers).
        var listed = string.Join(", ", Enumerable.Range(0, countries).Select(i => $"C{i}"));
        var flows = Flows($"flow: f\non: message.received\nwhen:\n  message.text: {{ contains: price }}\n  contact.country: {{ in: [{listed}] }}\nthen:\n  - close: true\n");
        var network = RuleNetwork.Build(flows);
        var plan = network.Plans[(int)EventKind.MessageReceived];

        Assert.Equal((0, countries), plan.CountRegistrations());
        Assert.Equal(countries, EqualityGroupSizes(plan).Single());
        for (var i = 0; i < countries; i++)
        {
            var facts = Message("what price?", Contact($"C{i}"));
            Assert.Equal(["f"], Fired(network, facts));
            Assert.Equal(NaiveFired(flows, facts), Fired(network, facts));
        }

        Assert.Empty(Fired(network, Message("what price?", Contact("XX"))));
        Assert.Empty(Fired(network, Message("hello", Contact("C1"))));
    }

    [Fact]
    public void Build_NegatedOrUnindexableConditions_AreVisitedForEveryEvent()
    {
        var network = Network(
            FlowWhen("neg", "not: { contact.country: SG }") + "---\n" +
            FlowWhen("num", "conversation.inbound_count: { gt: 1 }") + "---\n" +
            FlowWhen("mix", "message.text: { contains: price }\nconversation.inbound_count: { gt: 1 }"));
        var plan = network.Plans[(int)EventKind.MessageReceived];

        Assert.Equal(["neg", "num"], plan.Always.Select(r => network.Entries[r].Flow.Id));
        Assert.False(network.Entries.Single(e => e.Flow.Id == "mix").Exact);
    }

    [Fact]
    public void Build_BlankKeywordInModel_Throws()
    {
        var blank = new TestCondition(new FieldPath(PathId.MessageText, null), TestOperator.Contains, [" "], null, null, null, true);
        var flow = new FlowDefinition("f", null, null, true, 0, EventKind.MessageReceived, OncePer.None, blank, [], default);

        Assert.Throws<ArgumentException>(() => RuleNetwork.Build([flow]));
    }

    [Fact]
    public void Evaluate_WarmSession_AllocatesNothing()
    {
        var yaml = KeywordCountryFlows(50) + FlowWhen("general", """
            message.text: { starts_with: w1, matches: 'w\d' }
            conversation.inbound_count: { gt: 1 }
            contact.tags: { lacks: blocked }
            business_hours: { from: "09:00", to: "18:00", tz: Asia/Singapore }
            """);
        var session = Network(yaml).CreateSession();
        var events = Enumerable.Range(0, 200).Select(i => Message($"hello w{i % 9} and W{i % 5}? w1", Contact(i % 3 == 0 ? "SG" : "MY", "vip"))).ToArray();
        var fired = 0;
        foreach (var e in events)
        {
            fired += session.Evaluate(e).Count;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var e in events)
        {
            fired += session.Evaluate(e).Count;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(fired > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Build_NoFlows_EvaluatesToNothing()
    {
        var network = RuleNetwork.Build([]);

        Assert.Equal(0, network.CreateSession().Evaluate(Message("price")).Count);
        Assert.Empty(network.Explain(Message("price")).Flows);
    }
}
