using FlowAutomation.Scheduling;

namespace FlowAutomation.Server.Storage;

/// <summary>A scheduled follow-up's row as the Hangfire hand-over reads it: its id, due time and the job recorded on it.</summary>
internal sealed record ScheduledFollowUp(string Id, DateTimeOffset DueAt, string? HangfireJobId);

/// <summary>
/// The <c>follow_ups</c> table as the follow-up scheduler uses it outside an engine commit (each call its own
/// transaction), on either provider: <see cref="SqliteFollowUpStore"/>, <see cref="PostgresFollowUpStore"/>. The engine
/// commit writes the same rows in its own transaction (<see cref="SqliteEngineCommit"/>, <see cref="PostgresEngineCommit"/>).
/// </summary>
internal interface IFollowUpStore
{
    /// <summary>Writes a scheduled row; false when the follow-up was written before.</summary>
    Task<bool> InsertAsync(FollowUpJob job, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sets a scheduled row <c>cancelled</c>; false when it was not scheduled.</summary>
    Task<bool> CancelAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sets a scheduled row <c>fired</c>; false when it was not scheduled.</summary>
    Task<bool> MarkFiredAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The conversation's scheduled follow-ups, by due time.</summary>
    Task<IReadOnlyList<FollowUpJob>> PendingAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>The follow-up when its row is still scheduled; null when it fired or was cancelled.</summary>
    Task<FollowUpJob?> ScheduledAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// The scheduled rows due by <paramref name="dueBy"/> with the Hangfire job recorded on them, by due time; with
    /// <paramref name="withoutJob"/> only those that have no job recorded (never handed over).
    /// </summary>
    Task<IReadOnlyList<ScheduledFollowUp>> HandOversAsync(DateTimeOffset dueBy, bool withoutJob, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="hangfireJobId"/> on a scheduled row in place of <paramref name="replacing"/>; false when
    /// the row changed meanwhile (fired, cancelled, or handed over by a racing reconciliation, on any node).
    /// </summary>
    Task<bool> RecordJobAsync(string jobId, string hangfireJobId, string? replacing, CancellationToken cancellationToken);

    /// <summary>The Hangfire job recorded on the row, if any.</summary>
    Task<string?> JobOfAsync(string jobId, CancellationToken cancellationToken);
}

/// <summary>The SQL of the <c>follow_ups</c> table that both providers run as it is.</summary>
internal static class FollowUpSql
{
    public const string Cancel = "UPDATE follow_ups SET status = 'cancelled', done_at = @at WHERE id = @jobId AND status = 'scheduled'";

    public const string MarkFired = "UPDATE follow_ups SET status = 'fired', done_at = @at WHERE id = @jobId AND status = 'scheduled'";

    public const string Pending = "SELECT job FROM follow_ups WHERE conversation_id = @conversationId AND status = 'scheduled' ORDER BY due_at, seq";

    public const string Scheduled = "SELECT job FROM follow_ups WHERE id = @jobId AND status = 'scheduled'";

    public const string AllScheduled = "SELECT job FROM follow_ups WHERE status = 'scheduled' ORDER BY due_at, seq";

    public const string HandOvers = "SELECT id, due_at, hangfire_job_id FROM follow_ups WHERE status = 'scheduled' AND due_at <= @dueBy ORDER BY due_at, seq";

    public const string NeverHandedOver = "SELECT id, due_at, hangfire_job_id FROM follow_ups WHERE status = 'scheduled' AND due_at <= @dueBy AND hangfire_job_id IS NULL ORDER BY due_at, seq";

    public const string JobOf = "SELECT hangfire_job_id FROM follow_ups WHERE id = @id";

    /// <summary>The hand-over's compare-and-swap on the recorded job; <c>@same</c> is the provider's null-safe equality (SQLite <c>IS</c>, PostgreSQL <c>IS NOT DISTINCT FROM</c>).</summary>
    public static string RecordJob(string same) =>
        $"UPDATE follow_ups SET hangfire_job_id = @hangfireJobId WHERE id = @id AND status = 'scheduled' AND hangfire_job_id {same} @replacing";
}
