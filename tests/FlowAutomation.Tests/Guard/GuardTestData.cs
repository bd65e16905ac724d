using FlowAutomation.Guard;
using FlowAutomation.Policy;
using FlowAutomation.State;

namespace FlowAutomation.Tests.Guard;

/// <summary>Small helpers shared by the guard's tests.</summary>
internal static class GuardTestData
{
    /// <summary>Monday 2026-03-02 09:05 UTC.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 5, 0, TimeSpan.Zero);

    public static readonly MessageDraft Hello = MessageDraft.ForText("Hello!");

    public static TimeSpan H(double hours) => TimeSpan.FromHours(hours);

    public static ConversationState NewConversation() => ConversationState.New("c-1", "u-1001");

    /// <summary>A conversation in which the customer wrote at <paramref name="at"/>.</summary>
    public static ConversationState WroteAt(DateTimeOffset at, PolicyProfile profile) => NewConversation().RecordInbound(at, profile);

    /// <summary>Decides and reserves <paramref name="count"/> messages at <paramref name="at"/>, asserting that each is allowed.</summary>
    public static ConversationState SendAllowed(ConversationState state, int count, DateTimeOffset at, PolicyProfile profile)
    {
        for (var i = 0; i < count; i++)
        {
            var decision = MessageGuard.Decide(state, Hello, profile, at);
            Assert.True(decision.IsAllowed, $"message {i + 1}: {decision}");
            state = MessageGuard.Reserve(state, decision);
        }

        return state;
    }
}
