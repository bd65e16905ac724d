using System.Data.Common;
using Dapper;
using Npgsql;
using static FlowAutomation.Server.Storage.SqliteOutbox;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The outbox in PostgreSQL's <c>outbox</c> table, which every node's dispatcher claims from: a claim locks the rows
/// it takes (<c>FOR UPDATE SKIP LOCKED</c>), so two nodes never take the same row, and per conversation only the oldest
/// unfinished row (by <c>seq</c>, the insertion order) is claimable, so one customer's messages go out in order
/// whichever node sends them. The rows and their transitions are <see cref="SqliteOutbox"/>'s.
/// </summary>
internal sealed class PostgresOutbox(PostgresDatabase database) : OutboxTable
{
    protected override string InsertionOrder => "seq";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await database.OpenAsync(cancellationToken);

    protected override Task<int> WriteAsync(Func<DbConnection, DbTransaction, Task<int>> work, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => work(connection, transaction), cancellationToken);

    public override async ValueTask<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => EnqueueAsync(connection, transaction, message, null, cancellationToken), cancellationToken);

    /// <summary>Queues the message in the caller's transaction; <paramref name="flowId"/> names the flow that sent it.</summary>
    public static async Task<bool> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxMessage message, string? flowId, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, InsertParameters(message, flowId), transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Adds the message's insert to <paramref name="batch"/> (nothing when a row has its id).</summary>
    public static void AddEnqueue(PostgresBatch batch, OutboxMessage message, string? flowId) =>
        batch.Add(InsertSql, InsertParameters(message, flowId));

    public override async ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var rows = await database.WriteAsync((connection, transaction) => connection.QueryAsync<OutboxRow>(new CommandDefinition($"""
            WITH picked AS (
                SELECT c.id FROM outbox c
                WHERE ((c.status = 'Pending' AND c.next_attempt_at <= @now) OR (c.status = 'InFlight' AND c.claimed_until <= @now))
                  AND NOT EXISTS (
                      SELECT 1 FROM outbox e
                      WHERE e.conversation_id = c.conversation_id AND e.seq < c.seq AND e.status IN ('Pending', 'InFlight'))
                ORDER BY c.next_attempt_at, c.seq
                LIMIT @maxCount
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET status = 'InFlight', attempts = o.attempts + 1, claimed_until = @leaseUntil
            FROM picked WHERE o.id = picked.id
            RETURNING o.seq AS Sequence, {Qualified}
            """,
            new { now = now.ToUnixTimeMilliseconds(), leaseUntil = (now + lease).ToUnixTimeMilliseconds(), maxCount },
            transaction, cancellationToken: cancellationToken)), cancellationToken);
        return rows.OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Sequence).Select(r => r.ToEntry()).ToList();
    }

    /// <summary>Records a delivery or seen report in the caller's transaction; false when no message matches.</summary>
    public static async Task<bool> RecordReportAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string messageId, string? deliveryStatus, DateTimeOffset at, bool seen, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(ReportSql(seen), new { messageId, deliveryStatus, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) > 0;

    /// <summary><see cref="SqliteOutbox.Columns"/> on the updated row (<c>o</c>), for the claim's RETURNING.</summary>
    private static readonly string Qualified = string.Join(", ", Columns.Split(',', StringSplitOptions.TrimEntries).Select(c => "o." + c));
}
