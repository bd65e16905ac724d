using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Common;
using FlowAutomation.State;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The engine's store on SQLite. A commit writes everything the <see cref="EngineCommit"/> carries
/// (<see cref="SqliteEngineCommit"/>): the state's compare-and-swap, the team turns, the outbox rows, the follow-up rows,
/// the audit records and the work item's marker, all or nothing, in a transaction on the writer connection that it
/// shares with the commits of other conversations arriving at the same time
/// (<see cref="SqliteDatabase.WriteSharedAsync{T}"/>, each under its own savepoint, so a conflict drops only its own
/// writes). Once that transaction is durable the <paramref name="listeners"/> do the work outside the database (wake
/// the dispatcher, hand follow-ups to Hangfire, log).
/// </summary>
internal sealed class SqliteEngineStore(SqliteDatabase database, IEnumerable<ICommitListener> listeners, TimeProvider time, ILogger<SqliteEngineStore> logger) : IEngineStore
{
    private readonly ICommitListener[] _listeners = [.. listeners];

    public async ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => SqliteConversationStore.Find(connection, conversationId), cancellationToken);

    public async ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await SqliteAssignments.CountOpenAsync(connection, assignees, cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await SqliteAssignments.FindTurnsAsync(connection, teams, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<FollowUpJob>> PendingFollowUpsAsync(string conversationId, CancellationToken cancellationToken) =>
        await SqliteFollowUpTable.PendingAsync(database, conversationId, cancellationToken);

    public async ValueTask<CommitResult> CommitAsync(EngineCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var result = await database.WriteSharedAsync(
            (connection, transaction) => SqliteEngineCommit.WriteAsync(connection, transaction, commit, time.GetUtcNow(), CancellationToken.None),
            written => written == CommitResult.Committed, cancellationToken);
        if (result != CommitResult.Committed)
            return result;
        foreach (var listener in _listeners)
        {
            try
            {
                await listener.CommittedAsync(commit, CancellationToken.None);
            }
            catch (Exception exception)
            {
                logger.AfterCommitFailed(exception, commit.ConversationId);
            }
        }
        return result;
    }
}
