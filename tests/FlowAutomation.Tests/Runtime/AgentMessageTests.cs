using FlowAutomation.Runtime;
using FlowAutomation.Testing;
using FlowAutomation.Tests.TestSupport;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// Messages a person sends from the TikTok app use the same 10-message quota as the automation's (facts document §9;
/// issue 9, item 4): the engine counts them without sending anything and without reopening the window.
/// </summary>
public sealed class AgentMessageTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public async Task RecordAgentMessage_NAgentMessagesInTheWindow_AutomationHasTenMinusNLeft(int agentMessages)
    {
        var h = FlowTestHarness.FromYaml(QuotaFlows.TenRepliesAfterAnHour);
        await h.ReceiveAsync("hi");
        for (var i = 0; i < agentMessages; i++)
        {
            await h.AdvanceAsync(TimeSpan.FromMinutes(1));
            await h.AgentSendsAsync($"agent {i}");
        }

        var left = (await h.StateAsync()).ToConversationFacts(h.Policy, h.Clock.GetUtcNow()).MessagesLeft;
        await h.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.Equal(10 - agentMessages, left);
        Assert.Equal(10 - agentMessages, h.SentTexts.Count);
        Assert.Equal(agentMessages, h.Blocked.Count(b => b.Reason == "quota_exhausted"));
        var state = await h.StateAsync();
        Assert.Equal((10, 10), (state.WindowSends, state.OutboundCount));
    }

    [Fact]
    public async Task RecordAgentMessage_SendsNothingFiresNothingAndIsTraced()
    {
        var h = FlowTestHarness.FromYaml("""
            flow: echo
            on: message.received
            then:
              - reply: "thanks"
            """);
        await h.ReceiveAsync("hi");

        await h.AgentSendsAsync("I will check for you");

        Assert.Equal(["thanks"], h.SentTexts);
        Assert.Equal(["echo"], h.Fired);
        var trace = Assert.IsType<EventTrace>(h.Trace.Records[^1]);
        Assert.Equal("agent.sent", trace.Type);
        Assert.Equal("agent.sent \"I will check for you\" (message 2 of 10 in the window)", trace.Description);
    }

    [Fact]
    public async Task RecordAgentMessage_AfterTheWindowClosed_DoesNotReopenIt()
    {
        var h = FlowTestHarness.FromYaml(QuotaFlows.TenRepliesAfterAnHour);
        await h.ReceiveAsync("hi");
        await h.AdvanceAsync(TimeSpan.FromHours(49));

        await h.AgentSendsAsync("are you still there?");

        var state = await h.StateAsync();
        var allowance = state.Allowance(h.Policy, h.Clock.GetUtcNow());
        Assert.False(allowance.IsOpen);
        Assert.Equal(0, allowance.MessagesLeft);
        Assert.Equal((10, 1, 11), (state.WindowSends, state.AfterWindowSends, state.OutboundCount)); // the follow-up's ten, then the agent's
        Assert.Equal(h.Clock.GetUtcNow() - TimeSpan.FromHours(49), state.WindowStart);
    }

    [Fact]
    public async Task RecordAgentMessage_DatedBeforeTheCurrentWindow_DoesNotUseItsQuota()
    {
        var h = FlowTestHarness.FromYaml(QuotaFlows.TenRepliesAfterAnHour);
        await h.ReceiveAsync("hi");
        var before = h.Clock.GetUtcNow() - TimeSpan.FromMinutes(5);

        await h.Engine.RecordAgentMessageAsync(new AgentMessage(h.ConversationId, before, h.ContactId, "sent before the customer wrote"));

        var state = await h.StateAsync();
        Assert.Equal(0, state.WindowSends);
        Assert.Equal(1, state.OutboundCount);
        Assert.Equal(10, state.ToConversationFacts(h.Policy, h.Clock.GetUtcNow()).MessagesLeft);
    }

    [Fact]
    public async Task RecordAgentMessage_ThenTheCustomerWrites_ItIsAReply()
    {
        var h = FlowTestHarness.FromYaml(QuotaFlows.TenRepliesAfterAnHour);
        await h.ReceiveAsync("hi");
        await h.AgentSendsAsync("hello, how can I help?");

        await h.ReceiveAsync("I want a refund");

        var state = await h.StateAsync();
        Assert.True(state.BusinessReplied);
        Assert.True(state.CustomerReplied);
        Assert.Equal(0, state.WindowSends); // the customer's message opened a new window
    }
}
