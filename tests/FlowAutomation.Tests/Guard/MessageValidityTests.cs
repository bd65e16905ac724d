using FlowAutomation.Guard;
using FlowAutomation.Policy;
using static FlowAutomation.Tests.Guard.GuardTestData;

namespace FlowAutomation.Tests.Guard;

public sealed class MessageValidityTests
{
    [Fact]
    public void Decide_NoValidityGiven_ExpiresAtTheWindowsEnd()
    {
        var decision = MessageGuard.Decide(WroteAt(T0, PolicyProfile.TikTok), Hello, PolicyProfile.TikTok, T0 + H(10));

        Assert.Equal(T0 + H(48), decision.ExpiresAt);
    }

    [Fact]
    public void Decide_ShortValidity_ExpiresAfterIt()
    {
        var decision = MessageGuard.Decide(WroteAt(T0, PolicyProfile.TikTok), MessageDraft.ForText("hi", H(2)), PolicyProfile.TikTok, T0 + H(10));

        Assert.Equal(T0 + H(12), decision.ExpiresAt);
    }

    [Fact]
    public void Decide_ProfileDefaultValidity_IsUsedWhenTheMessageNamesNone()
    {
        var profile = PolicyProfile.TikTok with { DefaultValidity = H(6) };

        var decision = MessageGuard.Decide(WroteAt(T0, profile), Hello, profile, T0);

        Assert.Equal(T0 + H(6), decision.ExpiresAt);
    }

    [Fact]
    public void Decide_AfterTheWindowInTieredProfile_ExpiresAfterTheValidity()
    {
        var profile = PolicyProfile.TikTokTiered;

        var decision = MessageGuard.Decide(WroteAt(T0, profile), Hello, profile, T0 + H(50));

        Assert.True(decision.AfterWindow);
        Assert.Equal(T0 + H(98), decision.ExpiresAt);
    }

    [Fact]
    public void CheckDelivery_BeforeExpiry_Deliverable()
    {
        var decision = MessageGuard.Decide(WroteAt(T0, PolicyProfile.TikTok), Hello, PolicyProfile.TikTok, T0);

        var check = decision.CheckDelivery(decision.ExpiresAt - TimeSpan.FromTicks(1));

        Assert.True(check.Deliverable);
        Assert.Null(check.Reason);
    }

    [Fact]
    public void CheckDelivery_AtExpiry_DroppedAsExpired()
    {
        var decision = MessageGuard.Decide(WroteAt(T0, PolicyProfile.TikTok), Hello, PolicyProfile.TikTok, T0);

        var check = decision.CheckDelivery(T0 + H(48));

        Assert.False(check.Deliverable);
        Assert.Equal("expired", check.Reason);
        Assert.Equal(TimeSpan.Zero, check.Overdue);
        Assert.Equal("dropped (expired): the message's validity ended at 2026-03-04 09:05 UTC, before it could be handed to the provider; it is never sent late", check.Describe());
    }

    [Fact]
    public void CheckDelivery_RefusedMessage_Throws()
    {
        var refused = MessageGuard.Decide(NewConversation(), Hello, PolicyProfile.TikTok, T0);

        Assert.Throws<InvalidOperationException>(() => refused.CheckDelivery(T0));
    }

    [Fact]
    public void ForText_NonPositiveValidity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MessageDraft.ForText("hi", TimeSpan.Zero));
    }
}
