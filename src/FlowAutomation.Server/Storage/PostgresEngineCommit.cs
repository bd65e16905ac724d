using FlowAutomation.Runtime;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Writes one <see cref="EngineCommit"/> in the caller's PostgreSQL transaction and ends that transaction, as
/// <see cref="SqliteEngineCommit"/> does on SQLite: the work item's marker first (the inbox row <c>done</c>, the
/// follow-up <c>fired</c>), then the state's compare-and-swap with the team turns, the outbox rows (one statement), the follow-ups
/// cancelled and scheduled, the audit records, and the <c>COMMIT</c>. Every statement goes in one
/// <see cref="PostgresBatch"/>, one round trip. A guarded statement (the marker, each compare-and-swap) that changes no
/// row fails the transaction with its own SQLSTATE (<c>flowautomation_expect_one</c>, PostgreSQL script 4), so the
/// statements after it and the <c>COMMIT</c> never run; the transaction is then rolled back and the SQLSTATE tells
/// <see cref="CommitResult.AlreadyDone"/> from <see cref="CommitResult.Conflict"/>. Across nodes the marker is the
/// claim: of two nodes committing the same row or follow-up, the second waits for the first (READ COMMITTED) and then
/// changes nothing (<see cref="CommitResult.AlreadyDone"/>).
/// </summary>
internal static class PostgresEngineCommit
{
    /// <summary>The SQLSTATE of a marker that found its row already done (or gone).</summary>
    internal const string AlreadyDoneState = "FA001";

    /// <summary>The SQLSTATE of a compare-and-swap that found another version (or turn).</summary>
    internal const string ConflictState = "FA002";

    public static async Task<CommitResult> CommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EngineCommit commit, DateTimeOffset now, CancellationToken cancellationToken)
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
        if (marker is not null)
            ExpectOneRow(marker, AlreadyDoneState);
        foreach (var swap in PostgresConversationStore.AddSave(batch, commit.State, commit.Turns, now))
            ExpectOneRow(swap, ConflictState);
        PostgresOutbox.AddEnqueue(batch, commit.Messages);
        foreach (var job in commit.Cancel)
            batch.Add(FollowUpSql.Cancel, new { jobId = job.Id, at });
        foreach (var job in commit.Schedule)
            PostgresFollowUpStore.AddInsert(batch, job, now);
        PostgresAuditLog.AddAppend(batch, commit.ConversationId, commit.Trace);
        var end = batch.Add("COMMIT");
        try
        {
            await batch.ExecuteAsync(cancellationToken);
            return CommitResult.Committed;
        }
        catch (PostgresException exception) when (exception.SqlState is AlreadyDoneState or ConflictState)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return exception.SqlState == AlreadyDoneState ? CommitResult.AlreadyDone : CommitResult.Conflict;
        }
        catch (Exception exception) when (exception is not PostgresException { BatchCommand: var failed } || !ReferenceEquals(failed, end))
        {
            // A statement before the COMMIT failed: the transaction is still open (aborted). A failed COMMIT ends it itself.
            await transaction.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Makes <paramref name="command"/> fail the transaction with <paramref name="sqlState"/> when it changes no row (or more than one).</summary>
    private static void ExpectOneRow(NpgsqlBatchCommand command, string sqlState) =>
        command.CommandText = $"WITH changed AS ({command.CommandText} RETURNING 1) SELECT flowautomation_expect_one(COUNT(*), '{sqlState}') FROM changed";
}
