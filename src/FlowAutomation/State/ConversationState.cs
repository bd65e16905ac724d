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
/// that was read (<see cref="IConversationStore.TrySaveAsync(ConversationState, CancellationToken)"/>). The engine
/// makes one new state per event: a draft only its run holds, changed in place and frozen when the run commits
/// (ConversationState.Draft.cs); nobody else ever sees a state change.
/// </summary>
public sealed partial record ConversationState
{
    // The properties' fields: written by init, and in place only on a draft (ConversationState.Draft.cs).
    private string? _contactId;
    private long _version;
    private int _inboundCount;
    private DateTimeOffset _firstInboundAt;
    private DateTimeOffset _lastInboundAt;
    private DateTimeOffset _lastLeadAt;
    private bool _customerReplied;
    private bool _businessReplied;
    private WindowOpener _windowOpener;
    private DateTimeOffset _windowStart;
    private DateTimeOffset _windowEnd;
    private int _windowSends;
    private int _afterWindowSends;
    private int _outboundCount;
    private DateTimeOffset _lastOutboundAt;
    private ImmutableHashSet<string> _tags = NoTags;
    private ImmutableDictionary<string, string> _fields = NoFields;
    private string? _assignee;
    private string? _team;
    private bool _reported;
    private bool _closed;

    // Which of the seven times are set: a DateTimeOffset? field takes 24 bytes, a DateTimeOffset 16 and the set one bit
    // here; a time not set is default in its field, so that two states are equal exactly when their properties are.
    private Times _times;

    /// <summary>The conversation's id (TikTok's <c>conversation_id</c>); the store's key.</summary>
    public required string ConversationId { get; init; }

    /// <summary>The customer's id, when known.</summary>
    public string? ContactId { get => _contactId; init => _contactId = value; }

    /// <summary>The version the store holds (0 = never saved); raised by one on every successful save.</summary>
    public long Version { get => _version; init => _version = value; }

    /// <summary>How many messages the customer has sent in this conversation.</summary>
    public int InboundCount { get => _inboundCount; init => _inboundCount = value; }

    /// <summary>When the customer first wrote.</summary>
    public DateTimeOffset? FirstInboundAt { get => Time(Times.FirstInbound, _firstInboundAt); init => SetTime(ref _firstInboundAt, Times.FirstInbound, value); }

    /// <summary>When the customer last wrote (the latest inbound message's time).</summary>
    public DateTimeOffset? LastInboundAt { get => Time(Times.LastInbound, _lastInboundAt); init => SetTime(ref _lastInboundAt, Times.LastInbound, value); }

    /// <summary>When the customer last submitted a lead-ad form.</summary>
    public DateTimeOffset? LastLeadAt { get => Time(Times.LastLead, _lastLeadAt); init => SetTime(ref _lastLeadAt, Times.LastLead, value); }

    /// <summary>Whether the customer has ever replied to the business (written after a business message).</summary>
    public bool CustomerReplied { get => _customerReplied; init => _customerReplied = value; }

    /// <summary>Whether the business has sent a message since the customer's first message.</summary>
    public bool BusinessReplied { get => _businessReplied; init => _businessReplied = value; }

    /// <summary>What opened the current (or last) reply window.</summary>
    public WindowOpener WindowOpener { get => _windowOpener; init => _windowOpener = value; }

    /// <summary>When the current (or last) reply window opened.</summary>
    public DateTimeOffset? WindowStart { get => Time(Times.WindowStart, _windowStart); init => SetTime(ref _windowStart, Times.WindowStart, value); }

    /// <summary>When the current (or last) reply window closes (exclusive: at this instant it is closed).</summary>
    public DateTimeOffset? WindowEnd { get => Time(Times.WindowEnd, _windowEnd); init => SetTime(ref _windowEnd, Times.WindowEnd, value); }

    /// <summary>Messages the guard allowed in the current window.</summary>
    public int WindowSends { get => _windowSends; init => _windowSends = value; }

    /// <summary>Messages the guard allowed after the current window closed (tiered profile), until the customer writes.</summary>
    public int AfterWindowSends { get => _afterWindowSends; init => _afterWindowSends = value; }

    /// <summary>Messages the guard allowed in the conversation, in total.</summary>
    public int OutboundCount { get => _outboundCount; init => _outboundCount = value; }

    /// <summary>When the guard last allowed a message.</summary>
    public DateTimeOffset? LastOutboundAt { get => Time(Times.LastOutbound, _lastOutboundAt); init => SetTime(ref _lastOutboundAt, Times.LastOutbound, value); }

    /// <summary>The contact's tags (case-insensitive).</summary>
    public ImmutableHashSet<string> Tags { get => _tags; init => _tags = value; }

    /// <summary>The contact's custom fields (names case-insensitive).</summary>
    public ImmutableDictionary<string, string> Fields { get => _fields; init => _fields = value; }

    /// <summary>The agent the conversation is assigned to.</summary>
    public string? Assignee { get => _assignee; init => _assignee = value; }

    /// <summary>The team the conversation is assigned to.</summary>
    public string? Team { get => _team; init => _team = value; }

    /// <summary>Whether the contact was reported as spam.</summary>
    public bool Reported { get => _reported; init => _reported = value; }

    /// <summary>Whether the conversation is closed (a <c>close</c> action); a new inbound message reopens it.</summary>
    public bool Closed { get => _closed; init => _closed = value; }

    /// <summary>Whether the customer has ever written (the customer-first rule).</summary>
    public bool CustomerWrote => InboundCount > 0;

    /// <summary>Whether the customer has written exactly once so far.</summary>
    public bool IsFirstMessage => InboundCount == 1;

    [Flags]
    private enum Times : byte
    {
        FirstInbound = 1,
        LastInbound = 2,
        LastLead = 4,
        WindowStart = 8,
        WindowEnd = 16,
        LastOutbound = 32,
        StretchStart = 64,
    }

    private DateTimeOffset? Time(Times time, DateTimeOffset value) => (_times & time) != 0 ? value : null;

    private void SetTime(ref DateTimeOffset field, Times time, DateTimeOffset? value)
    {
        field = value ?? default;
        _times = value is null ? _times & ~time : _times | time;
    }

    private static readonly ImmutableHashSet<string> NoTags = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);
    private static readonly ImmutableDictionary<string, string> NoFields = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A conversation nobody has written in yet.</summary>
    public static ConversationState New(string conversationId, string? contactId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return new ConversationState { ConversationId = conversationId, ContactId = contactId };
    }
}
