using System.Security.Cryptography;
using System.Text;
using FlowAutomation.Runtime;
using FlowAutomation.State;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The engine's store on SQLite: the state compare-and-swap, the team turns its <c>assign</c> actions took and the
/// outbox rows of the messages the guard allowed, in one transaction (the guard's reservation is part of the state). Inside an <see cref="EngineUnit"/> the
/// transaction stays open for the rest of the unit's work and commits with it; outside one it commits at once.
/// </summary>
/// <param name="messagesQueued">Called after a commit that queued messages (the service wakes its outbox dispatcher).</param>
internal sealed class SqliteEngineStore(SqliteDatabase database, Action messagesQueued, TimeProvider time) : IEngineStore
{
    /// <summary>Infobip takes message ids of up to 200 characters; longer ids are replaced by a digest.</summary>
    public const int MaxMessageIdLength = 200;

    public async ValueTask<ConversationState?> FindAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await SqliteConversationStore.FindAsync(connection, null, conversationId, cancellationToken);
    }

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

    public async ValueTask<ConversationState?> CommitAsync(ConversationState state, IReadOnlyList<OutgoingMessage> messages, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken)
    {
        if (EngineUnit.Current is { } unit)
        {
            var (connection, transaction) = await unit.TransactionAsync(cancellationToken);
            var saved = await SaveAsync(connection, transaction, state, messages, turns, cancellationToken);
            if (saved is null)
            {
                await unit.RollbackAsync();
                return null;
            }
            if (messages.Count > 0)
                unit.AfterCommit(messagesQueued);
            return saved;
        }

        var alone = await database.WriteAsync((connection, transaction) => SaveAsync(connection, transaction, state, messages, turns, cancellationToken), cancellationToken);
        if (alone is not null && messages.Count > 0)
            messagesQueued();
        return alone;
    }

    private async Task<ConversationState?> SaveAsync(SqliteConnection connection, SqliteTransaction transaction, ConversationState state, IReadOnlyList<OutgoingMessage> messages, IReadOnlyCollection<TeamTurn> turns, CancellationToken cancellationToken)
    {
        var saved = await SqliteAssignments.TrySaveAsync(connection, transaction, state, turns, time.GetUtcNow(), cancellationToken);
        if (saved is null)
            return null;
        foreach (var message in messages)
            await SqliteOutbox.EnqueueAsync(ToOutbox(message), message.FlowId, connection, transaction, cancellationToken);
        return saved;
    }

    /// <summary>
    /// The outbox row for an allowed message: sent to the contact (the TikTok user id), from the configured sender,
    /// with the engine's stable id (so a re-run enqueues nothing new) and the guard's expiry.
    /// </summary>
    public static OutboxMessage ToOutbox(OutgoingMessage message) =>
        new(MessageId(message.Id), message.ConversationId, null, message.ContactId, message.Content, message.DecidedAt, message.ExpiresAt);

    public static string MessageId(string id) =>
        id.Length <= MaxMessageIdLength ? id : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
