using FlowAutomation.Policy;

namespace FlowAutomation.State;

public sealed partial record ConversationState
{
    /// <summary>
    /// A person sent a message from TikTok's app at <paramref name="at"/> (TikTok's <c>im_send_msg</c> echo). It is a
    /// business message like the automation's: it uses a slot of the window open at that time (or, once that window
    /// closed, of the messages the profile allows after it), it never opens or reopens a window, and the customer's
    /// next message is a reply to it. A message dated before the current window opened (a late echo) belonged to an
    /// earlier window, and one before any window has none: those count in the conversation's total only.
    /// </summary>
    public ConversationState RecordAgentSend(DateTimeOffset at, PolicyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Draft().ApplyAgentSend(at, profile);
    }

    /// <summary>Whether <paramref name="at"/> is before the current (or last) window opened.</summary>
    public bool IsBeforeCurrentWindow(DateTimeOffset at) => WindowStart is { } start && at < start;
}
