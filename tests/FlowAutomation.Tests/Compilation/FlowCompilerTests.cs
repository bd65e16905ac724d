using FlowAutomation.Compilation;
using FlowAutomation.Model;

namespace FlowAutomation.Tests.Compilation;

public sealed class FlowCompilerTests
{
    private static FlowCompilation Compile(string yaml) => new FlowCompiler().CompileTexts(("flows/test.yaml", yaml));

    [Fact]
    public void CompileTexts_ContractExample_BindsEveryPart()
    {
        var result = Compile("""
            flow: price-inquiry
            name: Price inquiry auto-reply
            priority: 100
            on: message.received
            once_per: conversation
            when:
              message.text: { contains_any: [price, cost, "how much"] }
              contact.tags: { lacks: customer }
              any:
                - business_hours: { days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00", tz: Asia/Singapore }
                - contact.country: { in: [SG, MY] }
            then:
              - tag: price-asked
              - assign: { team: sales, strategy: round_robin }
              - reply: { text: "Hi {{ contact.name ?? 'there' }}! Here is our price list." }
              - reply: { image: "https://cdn.shop.example/price-list.png" }
              - follow_up:
                  after: 24h
                  unless: customer_replied
                  then:
                    - reply: { text: "Any questions about pricing, {{ contact.name ?? 'there' }}?" }
              - stop: true
            """);

        Assert.Empty(result.Diagnostics);
        var flow = Assert.Single(result.Flows);
        Assert.Equal("price-inquiry", flow.Id);
        Assert.Equal(100, flow.Priority);
        Assert.Equal(EventKind.MessageReceived, flow.Trigger);
        Assert.Equal(OncePer.Conversation, flow.OncePer);
        var all = Assert.IsType<AllCondition>(flow.When);
        Assert.Equal(3, all.Items.Length);
        Assert.Equal(6, flow.Then.Length);
        var followUp = Assert.IsType<FollowUpAction>(flow.Then[4]);
        Assert.Equal("price-inquiry#1", followUp.Id);
        Assert.Equal(TimeSpan.FromHours(24), followUp.After);
        Assert.True(followUp.UnlessCustomerReplied);
    }

    [Fact]
    public void CompileTexts_SeveralMistakes_ReportsAllInOneRun()
    {
        var result = Compile("""
            flow: greet
            on: message.recieved
            when:
              message.txt: hello
            then:
              - tga: x
            """);

        Assert.Equal(
            [
                "flows/test.yaml(2,5): error FA1101: unknown trigger 'message.recieved'; did you mean 'message.received'?",
                "flows/test.yaml(4,3): error FA1201: unknown path 'message.txt'; did you mean 'message.text'?",
                "flows/test.yaml(6,5): error FA1301: unknown action 'tga'; did you mean 'tag'?",
            ],
            result.Diagnostics.Select(d => d.ToString()));
        Assert.Empty(result.Flows);
    }

    [Theory]
    [InlineData("tiktok", "FA2001")]
    [InlineData("tiktok-tiered", null)]
    public void CompileTexts_FollowUpPastTheWindow_DependsOnWhetherTheProfileAllowsMessagesAfterIt(string profile, string? expected)
    {
        var yaml = """
            flow: late
            on: message.received
            then:
              - follow_up:
                  after: 50h
                  unless: customer_replied
                  then: [ { reply: "Still interested?" } ]
            """;

        var result = new FlowCompiler(FlowAutomation.Policy.PolicyProfiles.Get(profile)).CompileTexts(("f.yaml", yaml));

        Assert.Equal(expected, result.Diagnostics.SingleOrDefault()?.Code);
    }
}
