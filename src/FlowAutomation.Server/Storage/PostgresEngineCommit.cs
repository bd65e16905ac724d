using FlowAutomation.Runtime;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Writes one <see cref="EngineCommit"/> in the caller's PostgreSQL transaction, as <see cref="SqliteEngineCommit"/>
/// does on SQLite: the work item's marker first (the inbox row <c>done</c>, the follow-up <c>fired</c>), then the
/// state's compare-and-swap with the team turns, the outbox rows, the follow-ups cancelled and scheduled, and the
/// audit records. Every statement goes in one <see cref="PostgresBatch"/>, one round trip; the rows each guarded
/// statement changed decide the result afterwards. The caller commits only on <see cref="CommitResult.Committed"/> and
/// rolls back otherwise, so what the statements after a marker that found its row done, or a compare-and-swap that
/// found another version, wrote is never kept. Across nodes the marker is the claim: of two nodes committing the same
/// row or follow-up, the second waits for the first (READ COMMITTED) and then changes nothing
/// (<see cref="CommitResult.AlreadyDone"/>).
/// </summary>
internal static class PostgresEngineCommit
{
    public static async Task<CommitResult> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EngineCommit commit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = new PostgresBatch(connection, transaction);
        var at = now.ToUnixTimeMilliseconds();
        var marker = commit.Completes switch
        {
            null => null,
            InboxRowDone inbox => batch.Add(SqliteInboxTable.MarkDoneSql, new { seq = inbox.Seq, at }),
            FollowUpFired fired => batch.Add(FollowUpSql.MarkFired, new { jobId = fired.JobId, at }),
            _ => throw new ArgumentException($"the PostgreSQL store cannot mark {commit.Completes.GetType().Name} done", nameof(commit)),
        };
        var swaps = PostgresConversationStore.AddSave(batch, commit.State, commit.Turns, now);
        foreach (var message in commit.Messages)
            PostgresOutbox.AddEnqueue(batch, OutboxMessage.From(message), message.FlowId);
        foreach (var job in commit.Cancel)
            batch.Add(FollowUpSql.Cancel, new { jobId = job.Id, at });
        foreach (var job in commit.Schedule)
            PostgresFollowUpStore.AddInsert(batch, job, now);
        PostgresAuditLog.AddAppend(batch, commit.ConversationId, commit.Trace);
        await batch.ExecuteAsync(cancellationToken);
        if (marker is not null && marker.RecordsAffected != 1)
            return CommitResult.AlreadyDone;
        return swaps.All(s => s.RecordsAffected == 1) ? CommitResult.Committed : CommitResult.Conflict;
    }
}
