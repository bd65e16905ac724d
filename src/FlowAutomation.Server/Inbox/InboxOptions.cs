using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Inbox;

/// <summary>Configuration section <c>Inbox</c>: how taken events are run.</summary>
internal sealed class InboxOptions
{
    public const string SectionName = "Inbox";

    /// <summary>
    /// Lanes run in parallel, from 1 to 256; a conversation always goes to the same lane, so its events run in order. On
    /// SQLite the lanes' commits share transactions (group commit), so more lanes make fuller batches and keep the cores
    /// busy while each lane waits for its commit: each lane is a task, not a thread. 256 on SQLite (with 32 the engine
    /// drained ~2,800–3,300 events/s when 5,000 webhooks/s arrived on 2 cores, the cores partly idle: docs/performance.md,
    /// "The service after the twentieth passes: the lead's check"); on PostgreSQL, where a lane is a worker holding a
    /// connection while it runs a conversation, <see cref="PostgresDefaultLanes"/> unless the setting is given.
    /// </summary>
    [Between(1, 256)]
    public int Lanes { get; set; } = 256;

    /// <summary>
    /// <see cref="Lanes"/> on PostgreSQL when the setting is not given: each lane holds a pooled connection while it runs.
    /// 16, not 32: with 32 the lanes' appends to the same last pages of <c>audit</c> and <c>outbox</c> made PostgreSQL's
    /// backends wait on each other and cost it CPU; 8 let the inbox queue (docs/performance.md, "Twenty-first pass: the
    /// service on PostgreSQL").
    /// </summary>
    public const int PostgresDefaultLanes = 16;

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
