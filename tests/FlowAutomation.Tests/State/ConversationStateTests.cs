using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.State;

namespace FlowAutomation.Tests.State;

public sealed class ConversationStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 5, 0, TimeSpan.Zero);
    private static readonly PolicyProfile Profile = PolicyProfile.TikTok;

    [Fact]
    public void New_NobodyWrote_HasNoWindowAndNoMessagesLeft()
    {
        var state = ConversationState.New("c-1");

        var facts = state.ToConversationFacts(Profile, T0);

        Assert.False(state.CustomerWrote);
        Assert.False(state.Allowance(Profile, T0).HasWindow);
        Assert.Equal(new ConversationFacts("c-1", false, 0, null, null, 0, TimeSpan.Zero), facts);
    }

    [Fact]
    public void RecordInbound_FirstMessage_OpensWindowAndSetsFirstMessageFlag()
    {
        var state = ConversationState.New("c-1").RecordInbound(T0, Profile);

        Assert.True(state.CustomerWrote);
        Assert.True(state.IsFirstMessage);
        Assert.Equal(1, state.InboundCount);
        Assert.Equal((T0, T0), (state.FirstInboundAt, state.LastInboundAt));
        Assert.Equal((WindowOpener.Message, T0, T0.AddHours(48)), (state.WindowOpener, state.WindowStart, state.WindowEnd));
    }

    [Fact]
    public void RecordInbound_SecondMessage_ClearsFirstMessageFlagAndRestartsTheCount()
    {
        var state = ConversationState.New("c-1").RecordInbound(T0, Profile).RecordSend(T0, afterWindow: false);

        state = state.RecordInbound(T0.AddHours(1), Profile);

        Assert.False(state.IsFirstMessage);
        Assert.Equal(2, state.InboundCount);
        Assert.Equal(0, state.WindowSends);
        Assert.Equal(1, state.OutboundCount);
        Assert.Equal(WindowOpener.Reply, state.WindowOpener);
        Assert.True(state.CustomerReplied);
    }

    [Fact]
    public void RecordInbound_LateMessageOlderThanTheWindow_IsCountedButDoesNotMoveTheWindow()
    {
        var state = ConversationState.New("c-1").RecordInbound(T0.AddHours(2), Profile).RecordSend(T0.AddHours(2), afterWindow: false);

        state = state.RecordInbound(T0, Profile);

        Assert.Equal(2, state.InboundCount);
        Assert.Equal((T0.AddHours(2), 1), (state.WindowStart, state.WindowSends));
        Assert.Equal((T0, T0.AddHours(2)), (state.FirstInboundAt, state.LastInboundAt));
    }

    [Fact]
    public void RecordInbound_AfterClose_Reopens()
    {
        var state = ConversationState.New("c-1").RecordInbound(T0, Profile).MarkClosed();

        Assert.False(state.RecordInbound(T0.AddHours(1), Profile).Closed);
    }

    [Fact]
    public void RecordLeadSubmission_IsNotAMessage()
    {
        var state = ConversationState.New("c-1").RecordLeadSubmission(T0, Profile);

        Assert.Equal(0, state.InboundCount);
        Assert.False(state.CustomerWrote);
        Assert.Equal(T0, state.LastLeadAt);
        Assert.Equal(WindowOpener.Lead, state.WindowOpener);
    }

    [Fact]
    public void RecordLeadSubmission_WhenLeadsDoNotOpenWindows_LeavesTheWindow()
    {
        var profile = Profile with { LeadOpensWindow = false };

        var state = ConversationState.New("c-1").RecordLeadSubmission(T0, profile);

        Assert.Equal(WindowOpener.None, state.WindowOpener);
        Assert.Equal(T0, state.LastLeadAt);
    }

    [Fact]
    public void ToConversationFacts_InsideTheWindow_GivesMessagesLeftAndTimeLeft()
    {
        var state = ConversationState.New("c-1").RecordInbound(T0, Profile)
            .RecordSend(T0, afterWindow: false).RecordSend(T0, afterWindow: false)
            .AssignTo("ana", "sales");

        var facts = state.ToConversationFacts(Profile, T0.AddHours(46));

        Assert.Equal(new ConversationFacts("c-1", true, 1, "ana", "sales", 8, TimeSpan.FromHours(2)), facts);
    }

    [Fact]
    public void ToConversationFacts_AfterTheWindowInTheDefaultProfile_HasNothingLeft()
    {
        var facts = ConversationState.New("c-1").RecordInbound(T0, Profile).ToConversationFacts(Profile, T0.AddHours(48));

        Assert.Equal((0, TimeSpan.Zero), (facts.MessagesLeft, facts.WindowClosesIn));
    }

    [Fact]
    public void ToContactFacts_OverlaysTagsAndFieldsOnTheContact()
    {
        var state = ConversationState.New("c-1", "u-1001").WithTag("vip").WithTag("lead").WithoutTag("lead").WithField("email", "ann@example.com");

        var facts = state.ToContactFacts(ContactFacts.Create("u-1001", "Ann Lee", "SG"));

        Assert.Equal(("u-1001", "Ann Lee", "SG"), (facts.Id, facts.Name, facts.Country));
        Assert.Equal(["vip"], facts.Tags);
        Assert.Contains("VIP", facts.Tags);
        Assert.Equal("ann@example.com", facts.Fields["Email"]);
    }

    [Fact]
    public void ToContactFacts_WithoutContact_UsesTheContactId()
    {
        Assert.Equal("u-1001", ConversationState.New("c-1", "u-1001").ToContactFacts().Id);
    }

    [Fact]
    public void AssignTo_TeamOnly_KeepsTheAgentAndUnassignedClearsBoth()
    {
        var state = ConversationState.New("c-1").AssignTo("ana", null).AssignTo(null, "sales");

        Assert.Equal(("ana", "sales"), (state.Assignee, state.Team));
        Assert.Equal((null, null), (state.Unassigned().Assignee, state.Unassigned().Team));
    }

    [Fact]
    public void New_EmptyId_Throws()
    {
        Assert.Throws<ArgumentException>(() => ConversationState.New(""));
    }
}
