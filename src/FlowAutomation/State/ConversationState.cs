using System.Collections.Immutable;

namespace FlowAutomation.State;

/// <summary>What opened the current reply window. It decides the window's quota under the tiered profile.</summary>
public enum WindowOpener
{
    /// <summary>No window was ever opened: the customer has not written (and no lead submission opened one).</summary>
    None,

    /// <summary>A customer message that is not a reply: the first one, or one before the business ever wrote.</summary>
    Message,

    /// <summary>A customer message after the business has written in the conversation (a reply).</summary>
    Reply,

    /// <summary>A lead-ad form submission (only when the profile's <c>LeadOpensWindow</c> is set).</summary>
    Lead,
}

/// <summary>
/// Everything the product remembers about one conversation (one contact and the business): the facts that rules
/// read (tags, fields, assignment, inbound count) and the facts the guard decides on (reply window, messages used).
/// Immutable: every change returns a new state, and a store saves it only if <see cref="Version"/> is still the one
/// that was read (<see cref="IConversationStore.TrySaveAsync(ConversationState, CancellationToken)"/>).
/// </summary>
public sealed partial record ConversationState
{
    /// <summary>The conversation's id (TikTok's <c>conversation_id</c>); the store's key.</summary>
    public required string ConversationId { get; init; }

    /// <summary>The customer's id, when known.</summary>
    public string? ContactId { get; init; }

    /// <summary>The version the store holds (0 = never saved); raised by one on every successful save.</summary>
    public long Version { get; init; }

    /// <summary>How many messages the customer has sent in this conversation.</summary>
    public int InboundCount { get; init; }

    /// <summary>When the customer first wrote.</summary>
    public DateTimeOffset? FirstInboundAt { get; init; }

    /// <summary>When the customer last wrote (the latest inbound message's time).</summary>
    public DateTimeOffset? LastInboundAt { get; init; }

    /// <summary>When the customer last submitted a lead-ad form.</summary>
    public DateTimeOffset? LastLeadAt { get; init; }

    /// <summary>Whether the customer has ever replied to the business (written after a business message).</summary>
    public bool CustomerReplied { get; init; }

    /// <summary>Whether the business has sent a message since the customer's first message.</summary>
    public bool BusinessReplied { get; init; }

    /// <summary>What opened the current (or last) reply window.</summary>
    public WindowOpener WindowOpener { get; init; }

    /// <summary>When the current (or last) reply window opened.</summary>
    public DateTimeOffset? WindowStart { get; init; }

    /// <summary>When the current (or last) reply window closes (exclusive: at this instant it is closed).</summary>
    public DateTimeOffset? WindowEnd { get; init; }

    /// <summary>Messages the guard allowed in the current window.</summary>
    public int WindowSends { get; init; }

    /// <summary>Messages the guard allowed after the current window closed (tiered profile), until the customer writes.</summary>
    public int AfterWindowSends { get; init; }

    /// <summary>Messages the guard allowed in the conversation, in total.</summary>
    public int OutboundCount { get; init; }

    /// <summary>When the guard last allowed a message.</summary>
    public DateTimeOffset? LastOutboundAt { get; init; }

    /// <summary>The contact's tags (case-insensitive).</summary>
    public ImmutableHashSet<string> Tags { get; init; } = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The contact's custom fields (names case-insensitive).</summary>
    public ImmutableDictionary<string, string> Fields { get; init; } = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The agent the conversation is assigned to.</summary>
    public string? Assignee { get; init; }

    /// <summary>The team the conversation is assigned to.</summary>
    public string? Team { get; init; }

    /// <summary>Whether the contact was reported as spam.</summary>
    public bool Reported { get; init; }

    /// <summary>Whether the conversation is closed (a <c>close</c> action); a new inbound message reopens it.</summary>
    public bool Closed { get; init; }

    /// <summary>Whether the customer has ever written (the customer-first rule).</summary>
    public bool CustomerWrote => InboundCount > 0;

    /// <summary>Whether the customer has written exactly once so far.</summary>
    public bool IsFirstMessage => InboundCount == 1;

    /// <summary>A conversation nobody has written in yet.</summary>
    public static ConversationState New(string conversationId, string? contactId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return new ConversationState { ConversationId = conversationId, ContactId = contactId };
    }
}
