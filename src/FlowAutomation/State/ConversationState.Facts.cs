using FlowAutomation.Model;
using FlowAutomation.Policy;

namespace FlowAutomation.State;

public sealed partial record ConversationState
{
    /// <summary>
    /// The conversation facts rules read at <paramref name="now"/>: <c>conversation.messages_left</c> is what the guard
    /// would still allow (<see cref="int.MaxValue"/> when unlimited), <c>conversation.window_closes_in</c> the time
    /// until the window closes (zero once closed or before any window).
    /// </summary>
    public ConversationFacts ToConversationFacts(PolicyProfile profile, DateTimeOffset now)
    {
        var allowance = Allowance(profile, now);
        var closesIn = allowance.IsOpen ? allowance.WindowEnd - now : TimeSpan.Zero;
        return new ConversationFacts(ConversationId, IsFirstMessage, InboundCount, Assignee, Team, allowance.MessagesLeft, closesIn);
    }

    /// <summary>
    /// The contact facts rules read: <paramref name="contact"/>'s name, country and language (from the event or
    /// the contact directory) with this conversation's tags and fields.
    /// </summary>
    public ContactFacts ToContactFacts(ContactFacts? contact = null)
    {
        var baseFacts = contact ?? ContactFacts.Create(ContactId ?? ConversationId);
        return baseFacts with { Tags = Tags, Fields = Fields };
    }
}
