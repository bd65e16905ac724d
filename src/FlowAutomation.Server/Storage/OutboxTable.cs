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

    /// <summary>Runs <paramref name="work"/> in one write transaction of the provider's and commits it.</summary>
    protected abstract Task<int> WriteAsync(Func<DbConnection, DbTransaction, Task<int>> work, CancellationToken cancellationToken);

    public abstract ValueTask<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    public abstract ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default);

    // Each mark is a pass of one outcome, so an outcome's change is written in one place (RecordAsync, Change).
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

    /// <summary>The outcomes in one write transaction of the provider's: one statement each, one commit for all.</summary>
    public virtual async ValueTask<int> RecordAsync(IReadOnlyList<OutboxOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
            return 0;
        return await WriteAsync(async (connection, transaction) =>
        {
            var changed = 0;
            foreach (var outcome in outcomes)
            {
                var (assignments, parameters) = Change(outcome);
                changed += await connection.ExecuteAsync(new CommandDefinition(Transition(assignments), parameters, transaction, cancellationToken: cancellationToken));
            }
            return changed;
        }, cancellationToken);
    }

    /// <summary>The <c>SET</c> clauses and parameters that record <paramref name="outcome"/>.</summary>
    private static (string Assignments, object Parameters) Change(OutboxOutcome outcome) => outcome.Status switch
    {
        OutboxStatus.Sent => (MarkSentSet, new { id = outcome.Id, providerMessageId = outcome.ProviderMessageId, at = outcome.At.ToUnixTimeMilliseconds() }),
        OutboxStatus.Pending => (ScheduleRetrySet, new { id = outcome.Id, next = outcome.At.ToUnixTimeMilliseconds(), reason = outcome.Reason ?? "" }),
        OutboxStatus.Failed => (MarkFailedSet, new { id = outcome.Id, reason = outcome.Reason ?? "", at = outcome.At.ToUnixTimeMilliseconds() }),
        OutboxStatus.Expired => (MarkExpiredSet, new { id = outcome.Id, reason = outcome.Reason ?? "", at = outcome.At.ToUnixTimeMilliseconds() }),
        _ => throw new ArgumentException($"{outcome.Status} is not an outcome", nameof(outcome)),
    };

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
