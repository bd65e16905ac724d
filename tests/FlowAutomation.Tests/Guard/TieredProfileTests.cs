using FlowAutomation.Guard;
using FlowAutomation.Policy;
using FlowAutomation.State;
using static FlowAutomation.Tests.Guard.GuardTestData;

namespace FlowAutomation.Tests.Guard;

/// <summary>
/// The <c>tiktok-tiered</c> profile: 10 messages in the 48 h after the customer's first message, unlimited for 48 h
/// after each later customer reply, 3 more after a window closes without a reply.
/// </summary>
public sealed class TieredProfileTests
{
    private static readonly PolicyProfile Profile = PolicyProfile.TikTokTiered;

    private static GuardDecision Decide(ConversationState state, DateTimeOffset now) => MessageGuard.Decide(state, Hello, Profile, now);

    [Fact]
    public void Decide_FirstWindowTenthMessage_AllowedAndEleventhRefusedQuotaExhausted()
    {
        var state = SendAllowed(WroteAt(T0, Profile), 9, T0 + H(1), Profile);

        var tenth = Decide(state, T0 + H(2));
        var eleventh = Decide(MessageGuard.Reserve(state, tenth), T0 + H(2));

        Assert.True(tenth.IsAllowed);
        Assert.Equal(WindowOpener.Message, tenth.WindowOpener);
        Assert.Equal(GuardReason.QuotaExhausted, eleventh.Reason);
        Assert.Equal((10, 10), (eleventh.MessagesUsed, eleventh.MessagesAllowed));
    }

    [Fact]
    public void Decide_CustomerRepliedAfterBusinessWrote_AllowsUnlimitedFor48Hours()
    {
        var replyAt = T0 + H(3);
        var state = SendAllowed(WroteAt(T0, Profile), 10, T0 + H(1), Profile).RecordInbound(replyAt, Profile);

        state = SendAllowed(state, 49, replyAt + H(1), Profile);
        var fiftieth = Decide(state, replyAt + H(48) - TimeSpan.FromSeconds(1));

        Assert.True(state.CustomerReplied);
        Assert.True(fiftieth.IsAllowed);
        Assert.Equal(WindowOpener.Reply, fiftieth.WindowOpener);
        Assert.Equal(50, fiftieth.MessagesUsed);
        Assert.Null(fiftieth.MessagesAllowed);
        Assert.Equal(int.MaxValue, state.ToConversationFacts(Profile, replyAt + H(2)).MessagesLeft);
    }

    [Fact]
    public void Decide_SecondMessageBeforeBusinessWrote_IsNotAReplyAndKeepsTheQuota()
    {
        var state = WroteAt(T0, Profile).RecordInbound(T0 + H(1), Profile);

        state = SendAllowed(state, 10, T0 + H(2), Profile);

        Assert.False(state.CustomerReplied);
        Assert.Equal(GuardReason.QuotaExhausted, Decide(state, T0 + H(3)).Reason);
    }

    [Fact]
    public void Decide_AfterTheWindowClosed_AllowsThreeMoreThenRefusesWindowExpired()
    {
        var end = T0 + H(48);
        var state = SendAllowed(WroteAt(T0, Profile), 2, T0 + H(1), Profile);

        state = SendAllowed(state, 2, end, Profile);
        var third = Decide(state, end + H(100));
        var fourth = Decide(MessageGuard.Reserve(state, third), end + H(101));

        Assert.True(third.IsAllowed);
        Assert.True(third.AfterWindow);
        Assert.Equal((3, 3), (third.MessagesUsed, third.MessagesAllowed));
        Assert.Equal(GuardReason.WindowExpired, fourth.Reason);
        Assert.Equal((3, 3), (fourth.MessagesUsed, fourth.MessagesAllowed));
        Assert.Equal(end, fourth.WindowEnd);
    }

    [Fact]
    public void Decide_AfterAnUnlimitedWindowClosed_AllowsThreeMore()
    {
        var replyAt = T0 + H(2);
        var state = SendAllowed(WroteAt(T0, Profile), 1, T0 + H(1), Profile).RecordInbound(replyAt, Profile);

        state = SendAllowed(state, 3, replyAt + H(48), Profile);

        Assert.Equal(GuardReason.WindowExpired, Decide(state, replyAt + H(49)).Reason);
    }

    [Fact]
    public void Decide_CustomerWritesAfterTheExtraMessages_OpensAnUnlimitedWindowAndRestartsTheExtras()
    {
        var state = SendAllowed(WroteAt(T0, Profile), 3, T0 + H(48), Profile).RecordInbound(T0 + H(60), Profile);

        var inside = Decide(state, T0 + H(61));
        state = SendAllowed(state, 3, T0 + H(108), Profile);

        Assert.Equal(WindowOpener.Reply, inside.WindowOpener);
        Assert.Null(inside.MessagesAllowed);
        Assert.Equal(GuardReason.WindowExpired, Decide(state, T0 + H(109)).Reason);
    }

    [Fact]
    public void Decide_LeadSubmission_OpensACappedWindow()
    {
        var state = NewConversation().RecordLeadSubmission(T0, Profile);

        state = SendAllowed(state, 10, T0, Profile);

        Assert.Equal(GuardReason.QuotaExhausted, Decide(state, T0 + H(1)).Reason);
    }

    [Fact]
    public void Decide_NeverWrote_RefusesNotUserInitiatedEvenAfterWindowTime()
    {
        Assert.Equal(GuardReason.NotUserInitiated, Decide(NewConversation(), T0 + H(100)).Reason);
    }

    [Fact]
    public void ToConversationFacts_AfterTheWindow_CountsTheExtraMessagesLeft()
    {
        var state = SendAllowed(WroteAt(T0, Profile), 1, T0 + H(50), Profile);

        var facts = state.ToConversationFacts(Profile, T0 + H(51));

        Assert.Equal(2, facts.MessagesLeft);
        Assert.Equal(TimeSpan.Zero, facts.WindowClosesIn);
    }
}
