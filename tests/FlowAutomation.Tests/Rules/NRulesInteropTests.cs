using FlowAutomation.Model;
using FlowAutomation.Rules.NRules;
using NRules;
using NRules.Fluent;
using NRules.Fluent.Dsl;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// Flows inside an application's own NRules session (docs/nrules.md): the flow set's rule definitions compile together
/// with a rule written in NRules' fluent DSL, and that rule reacts, in the same session, to the tag a YAML flow adds.
/// </summary>
public sealed class NRulesInteropTests
{
    private const string Flows = """
        flow: wholesale-is-vip
        on: message.received
        when:
          message.text: { contains_any: [wholesale, bulk order] }
        then:
          - tag: vip
          - assign: { team: sales }
        ---
        flow: vip-welcome
        on: contact.tagged
        when:
          event.tag: vip
        then:
          - tag: welcomed

        """;

    [Fact]
    public void Fire_FluentRuleBesideYamlFlows_ReactsToTheTagTheFlowAdds()
    {
        var (session, flows, desk) = Session(RuleTestKit.Flows(Flows));
        var e = flows.CreateEvent(RuleTestKit.Message("Do you do WHOLESALE prices?"));

        session.Insert(e);
        session.Fire();

        Assert.Equal([("u-1", "vip", "Do you do WHOLESALE prices?")], desk.Opened);
        Assert.Equal(["wholesale-is-vip", "vip-welcome"], e.Result.Activations.Select(a => a.Flow.Id));
        Assert.Equal(3, e.Result.EventCount);
    }

    [Fact]
    public void Fire_FlowDoesNotFire_FluentRuleDoesNotReact()
    {
        var (session, flows, desk) = Session(RuleTestKit.Flows(Flows));
        var e = flows.CreateEvent(RuleTestKit.Message("just one, please"));

        session.Insert(e);
        session.Fire();

        Assert.Empty(desk.Opened);
        Assert.Empty(e.Result.Activations);
    }

    [Fact]
    public void Fire_NoYamlFlowListensToTags_TagFactsStillReachTheApplicationsRule()
    {
        var (session, flows, desk) = Session(RuleTestKit.Flows(Flows.Split("---")[0]));
        var e = flows.CreateEvent(RuleTestKit.Message("bulk order"));

        session.Insert(e);
        session.Fire();

        Assert.Equal([("u-1", "vip", "bulk order")], desk.Opened);
        Assert.Equal(["wholesale-is-vip"], e.Result.Activations.Select(a => a.Flow.Id));
    }

    [Fact]
    public void Retract_EventAfterFiring_TakesTheTagFactsItRaisedWithIt()
    {
        var (session, flows, _) = Session(RuleTestKit.Flows(Flows));
        var e = flows.CreateEvent(RuleTestKit.Message("wholesale"));
        session.Insert(e);
        session.Fire();
        Assert.Equal(["vip", "welcomed"], session.Query<FlowTagFact>().Select(t => t.Tag).Order(StringComparer.Ordinal));

        session.Retract(e);

        Assert.Empty(session.Query<FlowTagFact>());
        Assert.Empty(session.Query<FlowFact>());
    }

    private static (ISession Session, FlowRuleSet Flows, VipDesk Desk) Session(IEnumerable<FlowDefinition> flowDefinitions)
    {
        var flows = FlowRuleSet.Build(flowDefinitions);
        var repository = new RuleRepository();
        repository.Load(x => x.NestedTypes().From(typeof(OpenVipDesk)));
        var factory = new RuleCompiler().Compile(repository.GetRules().Concat(flows.Rules));
        var session = factory.CreateSession();
        var desk = new VipDesk();
        session.Insert(desk);
        return (session, flows, desk);
    }

    /// <summary>An application's fact: the desk that serves VIP contacts.</summary>
    public sealed class VipDesk
    {
        public List<(string Contact, string Tag, string Message)> Opened { get; } = [];

        public void Open(FlowTagFact tagged) => Opened.Add((tagged.Facts.Contact.Id, tagged.Tag, tagged.Origin.Event.Message!.Text!));
    }

    /// <summary>An application's own rule, in NRules' fluent DSL: a contact tagged vip by a flow gets a desk ticket.</summary>
    public sealed class OpenVipDesk : Rule
    {
        public override void Define()
        {
            VipDesk desk = null!;
            FlowTagFact tagged = null!;

            When()
                .Match(() => desk)
                .Match(() => tagged, t => t.Tag == "vip");
            Then()
                .Do(_ => desk.Open(tagged));
        }
    }
}
