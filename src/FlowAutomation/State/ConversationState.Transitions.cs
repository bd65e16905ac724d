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
    public ConversationState RecordInbound(DateTimeOffset at, PolicyProfile profile) => Draft().ApplyInbound(at, profile);

    /// <summary>
    /// The customer submitted a lead-ad form at <paramref name="at"/>. It opens a reply window (restarting the counts)
    /// only when the profile's <see cref="PolicyProfile.LeadOpensWindow"/> says so; it never counts as a message.
    /// </summary>
    public ConversationState RecordLeadSubmission(DateTimeOffset at, PolicyProfile profile) => Draft().ApplyLeadSubmission(at, profile);

    /// <summary>The guard allowed a message at <paramref name="at"/>; it uses a slot of the window or of the time after it.</summary>
    /// <param name="afterWindow">Whether the slot is one of those allowed after the window closed.</param>
    public ConversationState RecordSend(DateTimeOffset at, bool afterWindow) => Draft().ApplySend(at, afterWindow);

    public ConversationState WithTag(string tag) => Draft().ApplyTag(tag);

    public ConversationState WithoutTag(string tag) => Draft().ApplyUntag(tag);

    public ConversationState WithField(string name, string value) => Draft().ApplyField(name, value);

    /// <summary>Assigns the conversation to an agent and/or a team (a <c>null</c> keeps the current value).</summary>
    public ConversationState AssignTo(string? agent, string? team) => Draft().ApplyAssignment(agent ?? Assignee, team ?? Team);

    public ConversationState Unassigned() => Draft().ApplyAssignment(null, null);

    /// <summary>The contact was reported as spam; the guard refuses further messages unless the profile allows them.</summary>
    public ConversationState MarkReported() => Draft().ApplyReported();

    public ConversationState MarkClosed() => Draft().ApplyClosed();

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
