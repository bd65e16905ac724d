using FlowAutomation.Server.Common;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using Npgsql;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// The <see cref="IInboundSink"/> on PostgreSQL: a webhook's records are taken in one transaction, each as
/// <see cref="InboxIntake"/> takes it (the same rows as <see cref="SqliteInbox"/>), each in a savepoint of its own so
/// one that cannot be stored fails only its own request's records (503), and only then acknowledged. Any node may take
/// any webhook: the dedup key's primary key settles a redelivery that reaches two nodes at once (the second waits for
/// the first and finds the key). After the commit this node's <see cref="PostgresInboxProcessor"/> is told which
/// conversations have new work; the other nodes find it when they poll.
/// </summary>
internal sealed class PostgresInbox(PostgresDatabase database, PostgresInboxProcessor processor, TimeProvider time, ILogger<PostgresInbox> logger) : IInboundSink
{
    private const string RecordSavepoint = "inbox_record";

    public async ValueTask<InboundAcceptance> AcceptAsync(IReadOnlyList<InboundRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
            return new InboundAcceptance(0, 0);
        var (accepted, notTaken, items) = await database.WriteAsync((connection, transaction) => TakeAllAsync(connection, transaction, records), CancellationToken.None);
        foreach (var item in items)
            processor.Enqueue(item.ConversationId);
        if (notTaken > 0)
            throw new RecordsNotTakenException(notTaken, records.Count);
        return new InboundAcceptance(accepted, records.Count - accepted);
    }

    private async Task<(int Accepted, int NotTaken, List<InboxItem> Items)> TakeAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<InboundRecord> records)
    {
        var (accepted, notTaken, items) = (0, 0, new List<InboxItem>());
        var now = time.GetUtcNow();
        foreach (var record in records)
        {
            await transaction.SaveAsync(RecordSavepoint);
            bool taken;
            InboxItem? item;
            try
            {
                (taken, item) = await InboxIntake.TakeAsync(connection, transaction, record, now);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await transaction.RollbackAsync(RecordSavepoint);
                logger.InboxRecordRefused(exception, record.DedupKey);
                notTaken++;
                continue;
            }
            await transaction.ReleaseAsync(RecordSavepoint);
            if (!taken)
                continue;
            accepted++;
            if (item is not null)
                items.Add(item);
        }
        return (accepted, notTaken, items);
    }
}
