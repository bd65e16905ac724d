using FlowAutomation.Model;
using FlowAutomation.Rules;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>Conflict resolution: priority, file order, stop, at most once per event, disabled flows, once_per.</summary>
public sealed class RuleNetworkAgendaTests
{
    private static string Flow(string id, int priority, string then = "- close: true", string extra = "", string when = "message.text: { contains: price }") => $"""
        flow: {id}
        priority: {priority}
        on: message.received
        {extra}
        when:
          {when}
        then:
          {then}
        ---

        """;

    [Fact]
    public void Evaluate_SeveralMatches_HigherPriorityFirstThenFileOrder()
    {
        var network = Network(Flow("low", 1) + Flow("high", 10) + Flow("mid-a", 5) + Flow("mid-b", 5) + Flow("none", 99, when: "message.text: { contains: cost }"));

        Assert.Equal(["high", "mid-a", "mid-b", "low"], Fired(network, Message("price?")));
        Assert.Equal(["none", "high", "mid-a", "mid-b", "low"], network.Flows.Select(f => f.Id));
    }

    [Fact]
    public void Evaluate_FlowWithStop_HaltsLaterFlowsOnTheAgenda()
    {
        var network = Network(Flow("low", 1) + Flow("stopper", 5, "- close: true\n  - stop: true") + Flow("same-later", 5) + Flow("high", 10));

        Assert.Equal(["high", "stopper"], Fired(network, Message("price")));
    }

    [Fact]
    public void Evaluate_StopperThatDoesNotMatch_HaltsNothing()
    {
        var network = Network(Flow("stopper", 10, "- stop: true", when: "message.text: { contains: cost }") + Flow("low", 1));

        Assert.Equal(["low"], Fired(network, Message("price")));
    }

    [Fact]
    public void Evaluate_FlowMatchingThroughSeveralKeywords_FiresOnce()
    {
        var network = Network(Flow("multi", 0, when: "any: [ { message.text: { contains_any: [price, cost] } }, { message.text: { contains: price } } ]"));

        Assert.Equal(["multi"], Fired(network, Message("price cost price")));
    }

    [Fact]
    public void Evaluate_DisabledFlow_NeverFires()
    {
        var network = Network(Flow("off", 0, extra: "enabled: false") + Flow("on", 0));

        Assert.Equal(["on"], Fired(network, Message("price")));
    }

    [Fact]
    public void Evaluate_OtherTrigger_DoesNotFire()
    {
        var network = Network(Flow("msg", 0) + "flow: lead\non: lead.submitted\nthen:\n  - close: true\n");
        var lead = new FactSnapshot(FlowEvent.LeadSubmitted(Monday10Utc, new LeadSubmission("f", "F", null, null, System.Collections.Immutable.ImmutableDictionary<string, string>.Empty)), Contact(), Conversation);

        Assert.Equal(["msg"], Fired(network, Message("price")));
        Assert.Equal(["lead"], Fired(network, lead));
    }

    [Fact]
    public void Evaluate_OncePerFlowThatHasFired_IsSkippedAndLaterFlowsStillFire()
    {
        var network = Network(Flow("once", 10, extra: "once_per: conversation") + Flow("always", 0));
        var asked = new List<(string, OncePer)>();
        var history = FiringHistory.From((id, scope) =>
        {
            asked.Add((id, scope));
            return id == "once";
        });

        Assert.Equal(["always"], Fired(network, Message("price"), history));
        Assert.Equal([("once", OncePer.Conversation)], asked);
        Assert.Equal(["once", "always"], Fired(network, Message("price"), FiringHistory.None));
    }

    [Fact]
    public void Evaluate_OncePerHistory_IsAskedOnlyAboutFlowsWhoseConditionHolds()
    {
        var network = Network(Flow("once", 10, extra: "once_per: contact", when: "message.text: { contains: cost }"));
        var asked = 0;

        Assert.Empty(Fired(network, Message("price"), FiringHistory.From((_, _) => ++asked > 0)));
        Assert.Equal(0, asked);
    }

    [Fact]
    public void Evaluate_OncePerSkippedStopper_DoesNotStopOthers()
    {
        var network = Network(Flow("stopper", 10, "- stop: true", "once_per: window") + Flow("low", 1));

        Assert.Equal(["low"], Fired(network, Message("price"), FiringHistory.From((id, _) => id == "stopper")));
        Assert.Equal(["stopper"], Fired(network, Message("price")));
    }

    [Fact]
    public void Evaluate_NoCondition_FiresForEveryEventOfItsTrigger()
    {
        var network = Network("flow: all\non: message.received\nthen:\n  - close: true\n");

        Assert.Equal(["all"], Fired(network, Message("anything")));
        Assert.Equal(["all"], Fired(network, Message(null)));
    }

    [Fact]
    public void Evaluate_SessionReused_GivesEachEventItsOwnResult()
    {
        var network = Network(Flow("p", 0) + Flow("c", 0, when: "message.text: { contains: cost }") + Flow("sg", 0, when: "contact.country: SG"));
        var session = network.CreateSession();
        var results = new List<string>();
        foreach (var (text, country) in new[] { ("price", "SG"), ("cost", "MY"), ("nothing", "MY"), ("price cost", "SG") })
        {
            results.Add(string.Join(",", session.Evaluate(Message(text, Contact(country))).ToResult().Activations.Select(a => a.Flow.Id)));
        }

        Assert.Equal(["p,sg", "c", "", "p,c,sg"], results);
    }

    [Fact]
    public void Evaluate_NetworkEvaluateFromManyThreads_AgreesWithASession()
    {
        var network = Network(Flow("p", 2) + Flow("c", 1, when: "message.text: { contains: cost }") + Flow("sg", 0, when: "contact.country: SG"));
        var texts = new[] { "price", "cost", "nothing", "price cost" };
        var expected = texts.Select(t => string.Join(",", Fired(network, Message(t)))).ToArray();
        var actual = new string[400];

        Parallel.For(0, actual.Length, i => actual[i] = string.Join(",", network.Evaluate(Message(texts[i % 4])).Activations.Select(a => a.Flow.Id)));

        Assert.All(Enumerable.Range(0, actual.Length), i => Assert.Equal(expected[i % 4], actual[i]));
    }

    [Fact]
    public void Evaluate_ResultReadAfterTheNextEvaluation_Throws()
    {
        var session = Network(Flow("p", 0)).CreateSession();
        var first = session.Evaluate(Message("price"));
        var kept = first.ToResult();

        session.Evaluate(Message("nothing"));

        Assert.Throws<InvalidOperationException>(() => first[0]);
        Assert.Equal("p", Assert.Single(kept.Activations).Flow.Id);
    }

    [Fact]
    public void Evaluate_RegexTimeout_CountsAsFalse()
    {
        // Without a timeout this matches (the "x" branch); with it, the first branch backtracks past the limit.
        var slow = new System.Text.RegularExpressions.Regex("^(a+)+$|x", System.Text.RegularExpressions.RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(1));
        var path = new FieldPath(PathId.MessageText, null);
        var test = new TestCondition(path, TestOperator.Matches, [], null, null, slow, false);
        FlowDefinition[] flows =
        [
            new("slow", null, null, true, 0, EventKind.MessageReceived, OncePer.None, test, [new CloseAction()], default),
            new("not-slow", null, null, true, 0, EventKind.MessageReceived, OncePer.None, new NotCondition(test), [new CloseAction()], default) { Order = 1 },
        ];
        var facts = Message(new string('a', 40) + "x");

        Assert.Equal(["not-slow"], Fired(RuleNetwork.Build(flows), facts));
        Assert.Equal(["not-slow"], NaiveFired(flows, facts));
    }
}
