using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Inbox;

/// <summary>Configuration section <c>Inbox</c>: how taken events are run.</summary>
internal sealed class InboxOptions
{
    public const string SectionName = "Inbox";

    /// <summary>
    /// Lanes run in parallel; a conversation always goes to the same lane, so its events run in order. The lanes' commits
    /// share transactions (group commit), so more lanes make fuller batches: each lane is a task, not a thread.
    /// </summary>
    [Between(1, 256)]
    public int Lanes { get; set; } = 32;

    /// <summary>Attempts before an event that keeps failing is set aside as <c>failed</c> (visible in <c>/api/status</c>).</summary>
    [Positive]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait between attempts.</summary>
    [NotNegative]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// PostgreSQL only: how often a node looks for pending rows it was not told about — taken by another node whose
    /// processor is busy with the conversation, or left by a node that died. A node runs what it took itself at once.
    /// </summary>
    [Positive]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// PostgreSQL only: how long a row waits before another node's poll runs it. The node that took a row runs it at
    /// once; other nodes take over rows pending this long (a node that died or fell behind), and leave newer ones to it.
    /// </summary>
    [NotNegative]
    public TimeSpan TakeOverAfter { get; set; } = TimeSpan.FromSeconds(5);
}
