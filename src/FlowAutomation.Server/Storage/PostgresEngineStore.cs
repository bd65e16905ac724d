using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Common;
using FlowAutomation.State;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The engine's store on PostgreSQL, which every node shares. A commit is one transaction holding everything the
/// <see cref="EngineCommit"/> carries (<see cref="PostgresEngineCommit"/>), with the same <see cref="CommitResult"/>s as
/// <see cref="SqliteEngineStore"/>; open conversations per agent and team turns are read from the database, so
/// <c>assign</c> counts every node's work. Once the commit is durable the <paramref name="listeners"/> do the work outside
/// the database (wake this node's dispatcher, hand follow-ups to Hangfire, log). A conversation's state and scheduled
/// follow-ups that the inbox processor read with its lock (<paramref name="held"/>) are taken from there, once, instead
/// of read again, and the commit of an inbox row whose lock transaction the processor kept runs in that transaction.
/// </summary>
internal sealed class PostgresEngineStore(PostgresDatabase database, IEnumerable<ICommitListener> listeners, TimeProvider time, ILogger<PostgresEngineStore> logger, PostgresHeldReads? held = null) : IEngineStore
{
    private readonly PostgresConversationStore _conversations = new(database, time);
    private readonly PostgresFollowUpStore _followUps = new(database);
    private readonly ICommitListener[] _listeners = [.. listeners];

    public ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken) =>
        held is not null && held.TryTakeState(conversationId, out var state) ? ValueTask.FromResult(state) : _conversations.FindAsync(conversationId, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, int>> CountOpenAsync(IReadOnlyCollection<string> assignees, CancellationToken cancellationToken) =>
        _conversations.CountOpenAsync(assignees, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> FindTurnsAsync(IReadOnlyCollection<string> teams, CancellationToken cancellationToken) =>
        _conversations.FindTurnsAsync(teams, cancellationToken);

    public async ValueTask<IReadOnlyList<FollowUpJob>> PendingFollowUpsAsync(string conversationId, CancellationToken cancellationToken) =>
        held is not null && held.TryTakeFollowUps(conversationId, out var jobs) ? jobs : await _followUps.PendingAsync(conversationId, cancellationToken);

    public async ValueTask<CommitResult> CommitAsync(EngineCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        CommitResult result;
        if (held is not null && commit.Completes is InboxRowDone done && held.TryTakeTransaction(done.Seq, out var lockHeld))
        {
            result = await PostgresEngineCommit.CommitAsync(lockHeld.Connection, lockHeld.Transaction, commit, time.GetUtcNow(), cancellationToken);
        }
        else
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            result = await PostgresEngineCommit.CommitAsync(connection, transaction, commit, time.GetUtcNow(), cancellationToken);
        }
        if (result == CommitResult.Committed)
            await CommitListeners.NotifyAsync(_listeners, commit, logger);
        return result;
    }
}

/// <summary>Tells the <see cref="ICommitListener"/>s of a durable commit; a listener's failure is logged, never thrown (the commit stands).</summary>
internal static class CommitListeners
{
    public static async Task NotifyAsync(IReadOnlyList<ICommitListener> listeners, EngineCommit commit, ILogger logger)
    {
        foreach (var listener in listeners)
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
    }
}
