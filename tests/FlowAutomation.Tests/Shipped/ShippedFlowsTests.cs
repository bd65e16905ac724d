using FlowAutomation.Compilation;
using FlowAutomation.Model;

namespace FlowAutomation.Tests.Shipped;

/// <summary>The flows in flows/ are the product's showcase: they compile clean and keep covering what a shop needs.</summary>
public sealed class ShippedFlowsTests
{
    private static readonly FlowCompilation Compilation = new FlowCompiler().CompilePaths([RepoPaths.Of("flows")]);

    [Fact]
    public void Compile_ShippedFlows_HaveNoDiagnostics()
    {
        Assert.Empty(Compilation.Diagnostics.Select(d => d.ToString()));
        Assert.True(Compilation.Flows.Length >= 6, $"only {Compilation.Flows.Length} flows");
    }

    [Theory]
    [InlineData("first-message-welcome", EventKind.MessageReceived)]
    [InlineData("price-inquiry", EventKind.MessageReceived)]
    [InlineData("after-hours-reply", EventKind.MessageReceived)]
    [InlineData("lead-thank-you", EventKind.LeadSubmitted)]
    [InlineData("vip-routing", EventKind.ContactTagged)]
    [InlineData("spam-lead-filter", EventKind.LeadSubmitted)]
    public void Compile_ShippedFlows_IncludeEachShopScenario(string id, EventKind trigger)
    {
        var flow = Compilation.Find(id);

        Assert.NotNull(flow);
        Assert.Equal(trigger, flow.Trigger);
    }

    [Fact]
    public void Compile_LeadThankYou_NudgesTheNextDayUnlessTheCustomerReplied()
    {
        var followUp = Compilation.Find("lead-thank-you")!.Then.OfType<FollowUpAction>().Single();

        Assert.Equal(TimeSpan.FromDays(1), followUp.After);
        Assert.True(followUp.UnlessCustomerReplied);
    }
}
