using FlowAutomation.Runtime;
using Npgsql;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// Writes one <see cref="EngineCommit"/> in the caller's PostgreSQL transaction, as <see cref="SqliteEngineCommit"/>
/// does on SQLite: the work item's marker first (the inbox row <c>done</c>, the follow-up <c>fired</c>), then the
/// state's compare-and-swap with the team turns, the outbox rows, the follow-ups cancelled and scheduled, and the
/// audit records. The caller commits only on <see cref="CommitResult.Committed"/> and rolls back otherwise. Across
/// nodes the marker is the claim: of two nodes committing the same row or follow-up, the second waits for the first
/// (READ COMMITTED) and then changes nothing (<see cref="CommitResult.AlreadyDone"/>).
/// </summary>
internal static class PostgresEngineCommit
{
    public static async Task<CommitResult> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EngineCommit commit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var marked = commit.Completes switch
        {
            null => true,
            InboxRowDone inbox => await PostgresInboxTable.MarkDoneAsync(connection, transaction, inbox.Seq, now, cancellationToken),
            FollowUpFired fired => await PostgresFollowUpStore.ChangeAsync(connection, transaction, FollowUpSql.MarkFired, fired.JobId, now, cancellationToken),
            _ => throw new ArgumentException($"the PostgreSQL store cannot mark {commit.Completes.GetType().Name} done", nameof(commit)),
        };
        if (!marked)
            return CommitResult.AlreadyDone;
        if (await PostgresConversationStore.TrySaveAsync(connection, transaction, commit.State, commit.Turns, now, cancellationToken) is null)
            return CommitResult.Conflict;
        foreach (var message in commit.Messages)
            await PostgresOutbox.EnqueueAsync(connection, transaction, OutboxMessage.From(message), message.FlowId, cancellationToken);
        foreach (var job in commit.Cancel)
            await PostgresFollowUpStore.ChangeAsync(connection, transaction, FollowUpSql.Cancel, job.Id, now, cancellationToken);
        foreach (var job in commit.Schedule)
            await PostgresFollowUpStore.InsertAsync(connection, transaction, job, now, cancellationToken);
        await PostgresAuditLog.AppendAsync(connection, transaction, commit.ConversationId, commit.Trace, cancellationToken);
        return CommitResult.Committed;
    }
}
