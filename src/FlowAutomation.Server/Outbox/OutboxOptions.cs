using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Outbox;

/// <summary>Configuration section <c>Outbox</c>: how the dispatcher claims, retries and backs off.</summary>
internal sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Attempts before a transiently failing message is marked failed.</summary>
    [Positive]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delay before the second attempt; doubles with each attempt (before jitter).</summary>
    [Positive]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Positive]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a claimed message is reserved for one dispatcher before another may reclaim it.</summary>
    [Positive]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle dispatcher looks for due messages (an enqueue wakes it sooner).</summary>
    [Positive]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Entries claimed per pass at most, from 1 to 1000. A pass's outcomes are written together once its sends have
    /// answered, so under load a larger pass costs fewer claims and writes per reply; with 32, the dispatcher fell
    /// behind the engine's commits on SQLite (docs/performance.md, "Sixth pass").
    /// </summary>
    [Between(1, 1000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// Sends in flight at once (different conversations only), from 1 to 64; another value stops the service at start.
    /// A pass ends when its last send does, so this bounds the dispatcher's rate: about this many sends per provider
    /// round trip. 16 on SQLite; on PostgreSQL <see cref="PostgresMaxParallelSends"/> unless the setting is given.
    /// </summary>
    [Between(1, 64)]
    public int MaxParallelSends { get; set; } = 16;

    /// <summary>
    /// <see cref="MaxParallelSends"/> on PostgreSQL when the setting is not given: with 16, a PostgreSQL node's sends,
    /// waiting for threads behind its engine's round trips, fell seconds behind the commits (docs/performance.md,
    /// "Seventh pass: the PostgreSQL dispatcher").
    /// </summary>
    public const int PostgresMaxParallelSends = 64;
}
