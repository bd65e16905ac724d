using FlowAutomation.Runtime;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Writes one <see cref="EngineCommit"/> in the caller's transaction: the work item's marker first (the inbox row
/// <c>done</c>, the follow-up <c>fired</c>), then the state's compare-and-swap with the team turns, the outbox rows,
/// the follow-ups cancelled and scheduled, and the audit records. The caller commits only on
/// <see cref="CommitResult.Committed"/> and rolls back otherwise. Taking the transaction from the caller is what lets
/// several commits share one (a group commit writes each under its own <c>SAVEPOINT</c>, so a conflict drops only its
/// own writes).
/// </summary>
internal static class SqliteEngineCommit
{
    public static async Task<CommitResult> WriteAsync(SqliteConnection connection, SqliteTransaction transaction, EngineCommit commit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var marked = commit.Completes switch
        {
            null => true,
            InboxRowDone inbox => await SqliteInboxTable.MarkDoneAsync(connection, transaction, inbox.Seq, now, cancellationToken),
            FollowUpFired fired => await SqliteFollowUpTable.MarkFiredAsync(connection, transaction, fired.JobId, now, cancellationToken),
            _ => throw new ArgumentException($"the SQLite store cannot mark {commit.Completes.GetType().Name} done", nameof(commit)),
        };
        if (!marked)
            return CommitResult.AlreadyDone;
        if (await SqliteAssignments.TrySaveAsync(connection, transaction, commit.State, commit.Turns, now, cancellationToken) is null)
            return CommitResult.Conflict;
        foreach (var message in commit.Messages)
            await SqliteOutbox.EnqueueAsync(OutboxMessage.From(message), message.FlowId, connection, transaction, cancellationToken);
        foreach (var job in commit.Cancel)
            await SqliteFollowUpTable.CancelAsync(connection, transaction, job.Id, now, cancellationToken);
        foreach (var job in commit.Schedule)
            await SqliteFollowUpTable.InsertAsync(connection, transaction, job, now, cancellationToken);
        await SqliteAuditLog.AppendAsync(connection, transaction, commit.ConversationId, commit.Trace, cancellationToken);
        return CommitResult.Committed;
    }
}
