using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Storage;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Inbox;

/// <summary>
/// Takes webhook records into SQLite on the writer connection, each in a savepoint of its own, as
/// <see cref="InboxIntake.TakeAsync"/> takes it. A customer's message — nearly every record — runs its savepoint, its
/// dedup key, its <c>pending</c> row and the savepoint's release from commands prepared once on the writer connection
/// (<see cref="SqliteStatements"/>); Dapper and <see cref="SqliteTransaction.Save"/> prepared four statements per
/// webhook. Any other record goes through <see cref="InboxIntake"/> between the savepoint and its release. After a
/// throw the caller calls <see cref="UndoAsync"/>, which rolls the record's writes back and keeps the rest of the
/// transaction.
/// </summary>
internal static class SqliteIntake
{
    private const string RecordSavepoint = "inbox_record";

    /// <summary>Takes one record: false when it is a duplicate; the item for the engine when it has work to do.</summary>
    public static async Task<(bool Taken, InboxItem? Item)> TakeAsync(SqliteConnection connection, SqliteTransaction transaction, InboundRecord record, DateTimeOffset now)
    {
        SqliteStatements.Write(connection, transaction, $"SAVEPOINT {RecordSavepoint};").Execute();
        var taken = record is InboundEnvelope envelope
            ? TakeEvent(connection, transaction, envelope, now)
            : await InboxIntake.TakeAsync(connection, transaction, record, now);
        SqliteStatements.Write(connection, transaction, $"RELEASE {RecordSavepoint};").Execute();
        return taken;
    }

    /// <summary>Undoes the record whose <see cref="TakeAsync"/> threw; an error that ended the whole transaction makes this throw.</summary>
    public static async Task UndoAsync(SqliteTransaction transaction)
    {
        await transaction.RollbackAsync(RecordSavepoint);
        await transaction.ReleaseAsync(RecordSavepoint);
    }

    private static (bool Taken, InboxItem? Item) TakeEvent(SqliteConnection connection, SqliteTransaction transaction, InboundEnvelope envelope, DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        if (SqliteStatements.Write(connection, transaction, InboxIntake.RecordKeySql, "key", "at").Set(0, envelope.DedupKey).Set(1, at).Execute() != 1)
            return (false, null);
        var stored = SqliteInbox.StoredEvent.From(envelope);
        var seq = SqliteStatements.Write(connection, transaction, InboxIntake.InsertSql,
                "dedupKey", "provider", "kind", "conversationId", "contactId", "at", "payload", "status", "processedAt")
            .Set(0, envelope.DedupKey).Set(1, envelope.Provider.ToString()).Set(2, nameof(InboundEnvelope)).Set(3, stored.ConversationId)
            .Set(4, envelope.ContactId).Set(5, at).SetUtf8(6, StoreJson.SerializeToUtf8(stored)).Set(7, "pending").Set(8, null)
            .ExecuteInt64();
        return InboxIntake.EventTaken(stored, seq);
    }
}
