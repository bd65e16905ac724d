using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using Npgsql;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// Takes webhook records into PostgreSQL, each in a savepoint of its own, as <see cref="InboxIntake.TakeAsync"/> takes it.
/// Customers' messages — nearly every record — go together in one round trip: for each, the savepoint, one statement
/// that records the dedup key and writes the <c>pending</c> row only when the key is new, and the savepoint's release.
/// Any other record goes through <see cref="InboxIntake"/> between the savepoint and its release. After a throw the caller
/// calls <see cref="UndoAsync"/>, which rolls the record's writes back and keeps the rest of the transaction.
/// </summary>
internal static class PostgresIntake
{
    private const string RecordSavepoint = "inbox_record";

    /// <summary>What became of one customer's message: its new row, none (a duplicate), or the error that refused it.</summary>
    internal sealed record TakenEvent(long? Seq, Exception? Error);

    /// <summary>The key and the row, or neither: the row only when the key is new (and no inbox row has it).</summary>
    private const string TakeEventSql = """
        WITH dedup AS (
            INSERT INTO inbound_dedup (key, received_at) VALUES (@dedupKey, @at) ON CONFLICT (key) DO NOTHING RETURNING key)
        INSERT INTO inbox (dedup_key, provider, kind, conversation_id, contact_id, received_at, payload, status, processed_at)
        SELECT key, @provider, @kind, @conversationId, @contactId, @at, @payload, 'pending', NULL FROM dedup
        ON CONFLICT (dedup_key) DO NOTHING
        RETURNING seq
        """;

    /// <summary>
    /// Takes one record that is not a customer's message (<see cref="InboxIntake"/> between the savepoint and its
    /// release): false when it is a duplicate; the item for the engine when it has work to do.
    /// </summary>
    public static async Task<(bool Taken, InboxItem? Item)> TakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InboundRecord record, DateTimeOffset now)
    {
        await transaction.SaveAsync(RecordSavepoint);
        var taken = await InboxIntake.TakeAsync(connection, transaction, record, now);
        await transaction.ReleaseAsync(RecordSavepoint);
        return taken;
    }

    /// <summary>
    /// Takes customers' messages, in order, all in one round trip (each as savepoint, statement, release). A statement
    /// that fails stops the batch: its savepoint undoes it alone and the messages after it go in the next round trip.
    /// Per message: its new row's sequence number, null for a duplicate, or the error that refused it. An error that
    /// ends the transaction itself (the database is gone) is thrown.
    /// </summary>
    public static async Task<IReadOnlyList<TakenEvent>> TakeEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<SqliteInbox.StoredEvent> events, IReadOnlyList<InboundRecord> records, DateTimeOffset now)
    {
        var taken = new List<TakenEvent>(events.Count);
        while (taken.Count < events.Count)
        {
            var batch = new PostgresBatch(connection, transaction);
            for (var i = taken.Count; i < events.Count; i++)
            {
                batch.Add($"SAVEPOINT {RecordSavepoint}");
                batch.Add(TakeEventSql, new
                {
                    dedupKey = records[i].DedupKey, at = now.ToUnixTimeMilliseconds(), provider = records[i].Provider.ToString(), kind = records[i].GetType().Name,
                    conversationId = events[i].ConversationId, contactId = events[i].ContactId, payload = StoreJson.Serialize(events[i]),
                });
                batch.Add($"RELEASE SAVEPOINT {RecordSavepoint}");
            }
            try
            {
                // The statements that return rows are the takes, one per message in order (the savepoints return none).
                await batch.ReadAsync(async reader =>
                {
                    do
                    {
                        if (reader.FieldCount > 0)
                            taken.Add(new TakenEvent(await reader.ReadAsync() ? reader.GetInt64(0) : null, null));
                    }
                    while (await reader.NextResultAsync());
                }, CancellationToken.None);
            }
            catch (PostgresException exception)
            {
                // The take after the last one read failed: undo it alone (a rollback that throws ends the batch).
                await UndoAsync(transaction);
                taken.Add(new TakenEvent(null, exception));
            }
        }
        return taken;
    }

    /// <summary>Rolls back what the record wrote (its savepoint), keeping the transaction; throws when the transaction itself is gone.</summary>
    public static async Task UndoAsync(NpgsqlTransaction transaction)
    {
        await transaction.RollbackAsync(RecordSavepoint);
        await transaction.ReleaseAsync(RecordSavepoint);
    }
}
