using System.Data.Common;
using Dapper;
using static FlowAutomation.Server.Storage.SqliteOutbox;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// What both providers' outboxes share: the transitions of an in-flight row and the lookups, the same SQL on SQLite and
/// PostgreSQL. A provider supplies its connections and write transactions, its insertion order, and its claim.
/// </summary>
internal abstract class OutboxTable : IOutbox
{
    /// <summary>The column that orders rows as they were inserted (<c>rowid</c> on SQLite, <c>seq</c> on PostgreSQL).</summary>
    protected abstract string InsertionOrder { get; }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract ValueTask<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    public abstract ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default);

    // Each mark is a pass of one outcome, so an outcome's change is written in one place per provider (RecordAsync).
    public ValueTask<bool> MarkSentAsync(string id, string? providerMessageId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        RecordOneAsync(OutboxOutcome.Sent(id, providerMessageId, at), cancellationToken);

    public ValueTask<bool> ScheduleRetryAsync(string id, DateTimeOffset nextAttemptAt, string reason, CancellationToken cancellationToken = default) =>
        RecordOneAsync(OutboxOutcome.Retry(id, nextAttemptAt, reason), cancellationToken);

    public ValueTask<bool> MarkFailedAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        RecordOneAsync(OutboxOutcome.Failed(id, reason, at), cancellationToken);

    public ValueTask<bool> MarkExpiredAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        RecordOneAsync(OutboxOutcome.Expired(id, reason, at), cancellationToken);

    private async ValueTask<bool> RecordOneAsync(OutboxOutcome outcome, CancellationToken cancellationToken) =>
        await RecordAsync([outcome], cancellationToken) == 1;

    /// <summary>
    /// The outcomes, each changing its row as its mark would and only while the row is in flight: the provider writes them
    /// (SQLite from prepared commands in the writer's shared transaction, PostgreSQL in one statement).
    /// </summary>
    public abstract ValueTask<int> RecordAsync(IReadOnlyList<OutboxOutcome> outcomes, CancellationToken cancellationToken = default);

    public async ValueTask<OutboxEntry?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<OutboxRow>(new CommandDefinition(
            $"SELECT {Columns} FROM outbox WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToEntry();
    }

    public async ValueTask<OutboxEntry?> FindByProviderMessageIdAsync(string providerMessageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<OutboxRow>(new CommandDefinition(
            $"SELECT {Columns} FROM outbox WHERE provider_message_id = @providerMessageId ORDER BY {InsertionOrder} LIMIT 1", new { providerMessageId }, cancellationToken: cancellationToken));
        return row?.ToEntry();
    }

    /// <summary>The update of an in-flight row by <c>@id</c> with <paramref name="assignments"/>.</summary>
    protected static string Transition(string assignments) => $"UPDATE outbox SET {assignments} WHERE id = @id AND status = 'InFlight'";
}
