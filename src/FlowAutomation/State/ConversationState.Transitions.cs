using FlowAutomation.Policy;

namespace FlowAutomation.State;

public sealed partial record ConversationState
{
    /// <summary>
    /// The customer sent a message at <paramref name="at"/>: a new reply window opens there and its counts restart.
    /// The message is a reply (and under the tiered profile opens an unlimited window) when the business has
    /// written since the customer's first message. A message older than the current window's start (a late webhook)
    /// is counted but does not move the window back.
    /// </summary>
    public ConversationState RecordInbound(DateTimeOffset at, PolicyProfile profile)
    {
        var isReply = InboundCount > 0 && BusinessReplied;
        var opens = OpensWindow(at);

        // One new state, with the window opened in it when the message opens one (as OpenWindow would).
        return this with
        {
            InboundCount = InboundCount + 1,
            FirstInboundAt = FirstInboundAt is { } first && first <= at ? first : at,
            LastInboundAt = LastInboundAt is { } last && last >= at ? last : at,
            CustomerReplied = CustomerReplied || isReply,
            Closed = false,
            WindowOpener = opens ? (isReply ? WindowOpener.Reply : WindowOpener.Message) : WindowOpener,
            WindowStart = opens ? at : WindowStart,
            WindowEnd = opens ? at + profile.ReplyWindow : WindowEnd,
            WindowSends = opens ? 0 : WindowSends,
            AfterWindowSends = opens ? 0 : AfterWindowSends,
        };
    }

    /// <summary>
    /// The customer submitted a lead-ad form at <paramref name="at"/>. It opens a reply window (restarting the counts)
    /// only when the profile's <see cref="PolicyProfile.LeadOpensWindow"/> says so; it never counts as a message.
    /// </summary>
    public ConversationState RecordLeadSubmission(DateTimeOffset at, PolicyProfile profile)
    {
        var next = this with { LastLeadAt = LastLeadAt is { } last && last >= at ? last : at };
        return profile.LeadOpensWindow && OpensWindow(at) ? next.OpenWindow(at, WindowOpener.Lead, profile) : next;
    }

    /// <summary>The guard allowed a message at <paramref name="at"/>; it uses a slot of the window or of the time after it.</summary>
    /// <param name="afterWindow">Whether the slot is one of those allowed after the window closed.</param>
    public ConversationState RecordSend(DateTimeOffset at, bool afterWindow) => this with
    {
        WindowSends = afterWindow ? WindowSends : WindowSends + 1,
        AfterWindowSends = afterWindow ? AfterWindowSends + 1 : AfterWindowSends,
        OutboundCount = OutboundCount + 1,
        LastOutboundAt = LastOutboundAt is { } last && last >= at ? last : at,
        BusinessReplied = BusinessReplied || InboundCount > 0,
    };

    public ConversationState WithTag(string tag) => this with { Tags = Tags.Add(tag) };

    public ConversationState WithoutTag(string tag) => this with { Tags = Tags.Remove(tag) };

    public ConversationState WithField(string name, string value) => this with { Fields = Fields.SetItem(name, value) };

    /// <summary>Assigns the conversation to an agent and/or a team (a <c>null</c> keeps the current value).</summary>
    public ConversationState AssignTo(string? agent, string? team) => this with { Assignee = agent ?? Assignee, Team = team ?? Team };

    public ConversationState Unassigned() => this with { Assignee = null, Team = null };

    /// <summary>The contact was reported as spam; the guard refuses further messages unless the profile allows them.</summary>
    public ConversationState MarkReported() => this with { Reported = true };

    public ConversationState MarkClosed() => this with { Closed = true };

    /// <summary>
    /// The messages the business may still send at <paramref name="now"/>: inside the window, its quota; after it,
    /// the profile's <see cref="PolicyProfile.MessagesAfterWindow"/>; before any window, nothing.
    /// </summary>
    public WindowAllowance Allowance(PolicyProfile profile, DateTimeOffset now)
    {
        if (WindowOpener == WindowOpener.None || WindowStart is not { } start || WindowEnd is not { } end)
        {
            return default;
        }

        return now < end
            ? new WindowAllowance(WindowOpener, start, end, IsOpen: true, WindowSends, profile.WindowQuota(WindowOpener == WindowOpener.Reply))
            : new WindowAllowance(WindowOpener, start, end, IsOpen: false, AfterWindowSends, profile.MessagesAfterWindow);
    }

    private bool OpensWindow(DateTimeOffset at) => WindowStart is not { } start || at >= start;

    private ConversationState OpenWindow(DateTimeOffset at, WindowOpener opener, PolicyProfile profile) => this with
    {
        WindowOpener = opener,
        WindowStart = at,
        WindowEnd = at + profile.ReplyWindow,
        WindowSends = 0,
        AfterWindowSends = 0,
    };
}

/// <summary>
/// The sending allowance of a conversation at one moment. <see cref="Used"/> and <see cref="Allowed"/> count the
/// window's messages while it is open (<see cref="IsOpen"/>), and the messages after it once it has closed.
/// </summary>
/// <param name="Opener">What opened the window; <see cref="WindowOpener.None"/> when there never was one.</param>
/// <param name="Allowed">The limit; <c>null</c> means unlimited.</param>
public readonly record struct WindowAllowance(WindowOpener Opener, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, bool IsOpen, int Used, int? Allowed)
{
    /// <summary>Whether any window was ever opened (the customer wrote, or a lead submission opened one).</summary>
    public bool HasWindow => Opener != WindowOpener.None;

    /// <summary>Whether one more message fits.</summary>
    public bool HasRoom => HasWindow && (Allowed is not { } allowed || Used < allowed);

    /// <summary>How many more messages fit; <see cref="int.MaxValue"/> when unlimited.</summary>
    public int MessagesLeft => !HasWindow ? 0 : Allowed is { } allowed ? Math.Max(0, allowed - Used) : int.MaxValue;
}
