using System.Data.Common;
using Dapper;
using Npgsql;
using FlowAutomation.Runtime;
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

    public override async ValueTask<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => EnqueueAsync(connection, transaction, message, null, cancellationToken), cancellationToken);

    /// <summary>Queues the message in the caller's transaction; <paramref name="flowId"/> names the flow that sent it.</summary>
    public static async Task<bool> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxMessage message, string? flowId, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, InsertParameters(message, flowId), transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>
    /// Adds the outgoing messages' insert to <paramref name="batch"/>, one statement for all of them (nothing for a message whose
    /// id has a row): <see cref="SqliteOutbox.InsertSql"/> for one, <see cref="InsertManySql"/> for more, which gives the
    /// rows their <c>seq</c> in the list's order, so a conversation's replies are sent in the order the engine decided them.
    /// </summary>
    public static void AddEnqueue(PostgresBatch batch, IReadOnlyList<OutgoingMessage> outgoing)
    {
        if (outgoing.Count == 0)
            return;
        if (outgoing.Count == 1)
        {
            batch.Add(InsertSql, InsertParameters(OutboxMessage.From(outgoing[0]), outgoing[0].FlowId));
            return;
        }
        var messages = outgoing.Select(OutboxMessage.From).ToArray();
        var columns = messages.Select(ContentColumns).ToArray();
        batch.Add(InsertManySql, new OutboxColumns(
            [.. messages.Select(m => m.Id)], [.. messages.Select(m => m.ConversationId)], [.. messages.Select(m => m.Sender)], [.. messages.Select(m => m.Destination)],
            [.. columns.Select(c => c.Type)], [.. columns.Select(c => c.Text)], [.. columns.Select(c => c.ReplyTo)], [.. columns.Select(c => c.MediaUrl)], [.. columns.Select(c => c.PostId)],
            [.. messages.Select(m => m.CallbackData)], [.. messages.Select(m => m.CreatedAt.ToUnixTimeMilliseconds())], [.. messages.Select(m => m.ExpiresAt.ToUnixTimeMilliseconds())], [.. outgoing.Select(m => m.FlowId)]));
    }

    /// <summary>The messages' columns as arrays, one element per message, bound by name to <see cref="InsertManySql"/>.</summary>
    private sealed record OutboxColumns(
        string[] Ids, string?[] ConversationIds, string?[] Senders, string[] Destinations, string[] Types, string?[] Texts, string?[] ReplyTos,
        string?[] MediaUrls, string?[] PostIds, string?[] CallbackDatas, long[] CreatedAts, long[] ExpiresAts, string?[] FlowIds);

    /// <summary>
    /// <see cref="SqliteOutbox.InsertSql"/> for many rows from arrays (<see cref="OutboxColumns"/>), inserted in the
    /// arrays' order (<c>seq</c> is taken as the sorted rows are inserted); a row whose id is there (or came earlier in the
    /// arrays) is skipped.
    /// </summary>
    private const string InsertManySql = """
        INSERT INTO outbox (id, conversation_id, sender, destination, content_type, text, reply_to_message_id, media_url,
                            post_id, callback_data, created_at, expires_at, status, attempts, next_attempt_at, flow_id)
        SELECT r.id, r.conversation_id, r.sender, r.destination, r.content_type, r.text, r.reply_to, r.media_url,
               r.post_id, r.callback_data, r.created_at, r.expires_at, 'Pending', 0, r.created_at, r.flow_id
        FROM unnest(@Ids::text[], @ConversationIds::text[], @Senders::text[], @Destinations::text[], @Types::text[], @Texts::text[],
                    @ReplyTos::text[], @MediaUrls::text[], @PostIds::text[], @CallbackDatas::text[], @CreatedAts::bigint[],
                    @ExpiresAts::bigint[], @FlowIds::text[])
            WITH ORDINALITY AS r(id, conversation_id, sender, destination, content_type, text, reply_to, media_url, post_id,
                                 callback_data, created_at, expires_at, flow_id, n)
        ORDER BY r.n
        ON CONFLICT (id) DO NOTHING
        """;

    public override async ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claim = new NpgsqlBatchCommand(ClaimSql);
        claim.Parameters.Add(new NpgsqlParameter<long>("now", now.ToUnixTimeMilliseconds()));
        claim.Parameters.Add(new NpgsqlParameter<long>("leaseUntil", (now + lease).ToUnixTimeMilliseconds()));
        claim.Parameters.Add(new NpgsqlParameter<int>("maxCount", maxCount));
        var rows = new List<OutboxRow>();
        await using (var batch = IndexScansOnly(connection, transaction, claim))
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            var parse = reader.GetRowParser<OutboxRow>();
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(parse(reader));
            // The batch's COMMIT: a failure to commit throws here, before any claimed row is handed out.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }
        return rows.OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Sequence).Select(r => r.ToEntry()).ToList();
    }

    /// <summary><see cref="SqliteOutbox.Columns"/> on the updated row (<c>o</c>), for the claim's RETURNING (initialised before <see cref="ClaimSql"/>, which uses it).</summary>
    private static readonly string Qualified = string.Join(", ", Columns.Split(',', StringSplitOptions.TrimEntries).Select(c => "o." + c));

    /// <summary>
    /// The claim: due rows in due order, each only while no older row of its conversation is unfinished, at most
    /// <c>@maxCount</c>, set in flight until <c>@leaseUntil</c>. Its first condition (implied by the second) is the
    /// predicate of the indexes of unfinished rows (migration 3), so both scans read those instead of the whole table.
    /// </summary>
    internal static readonly string ClaimSql = $"""
        WITH picked AS (
            SELECT c.id FROM outbox c
            WHERE c.status IN ('Pending', 'InFlight')
              AND ((c.status = 'Pending' AND c.next_attempt_at <= @now) OR (c.status = 'InFlight' AND c.claimed_until <= @now))
              AND NOT EXISTS (
                  SELECT 1 FROM outbox e
                  WHERE e.conversation_id = c.conversation_id AND e.seq < c.seq AND e.status IN ('Pending', 'InFlight'))
            ORDER BY c.next_attempt_at, c.seq
            LIMIT @maxCount
            FOR UPDATE SKIP LOCKED)
        UPDATE outbox o SET status = 'InFlight', attempts = o.attempts + 1, claimed_until = @leaseUntil
        FROM picked WHERE o.id = picked.id
        RETURNING o.seq AS Sequence, {Qualified}
        """;

    /// <summary>
    /// The outcomes in one statement (<see cref="RecordSql"/>, the rows as arrays), in a transaction of their own
    /// that reads by index only and commits in the same round trip (<see cref="IndexScansOnly"/>): each outcome changes its row as its mark would (<see cref="OutboxTable"/>'s transitions), only while the
    /// row is in flight. An id given twice is applied once, as its first outcome (the second mark would find the row no
    /// longer in flight). A statement per outcome cost the dispatcher a round trip per reply (docs/performance.md,
    /// "Seventh pass: the PostgreSQL dispatcher").
    /// </summary>
    public override async ValueTask<int> RecordAsync(IReadOnlyList<OutboxOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var first = new Dictionary<string, OutboxOutcome>(outcomes.Count, StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            if (outcome.Status == OutboxStatus.InFlight)
                throw new ArgumentException($"{outcome.Status} is not an outcome", nameof(outcomes));
            first.TryAdd(outcome.Id, outcome);
        }
        if (first.Count == 0)
            return 0;
        var rows = first.Values;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var record = new NpgsqlBatchCommand(RecordSql);
        record.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. rows.Select(o => o.Id)]));
        record.Parameters.Add(new NpgsqlParameter<string[]>("statuses", [.. rows.Select(o => o.Status.ToString())]));
        record.Parameters.Add(new NpgsqlParameter<long[]>("ats", [.. rows.Select(o => o.At.ToUnixTimeMilliseconds())]));
        record.Parameters.Add(new NpgsqlParameter<string?[]>("providerIds", [.. rows.Select(o => o.ProviderMessageId)]));
        record.Parameters.Add(new NpgsqlParameter<string[]>("reasons", [.. rows.Select(o => o.Reason ?? "")]));
        await using (var batch = IndexScansOnly(connection, transaction, record))
            await batch.ExecuteNonQueryAsync(cancellationToken);
        return record.RecordsAffected;
    }

    /// <summary>
    /// What <see cref="IndexScansOnly"/> sets for its transaction before its statement: plans without bitmap or
    /// sequential scans.
    /// </summary>
    private static readonly string[] IndexScansOnlySettings = ["SET LOCAL enable_bitmapscan = off", "SET LOCAL enable_seqscan = off"];

    /// <summary>
    /// <paramref name="statement"/> in a batch, in <paramref name="transaction"/>, after settings that make it read the
    /// outbox through plain index scans (<see cref="IndexScansOnlySettings"/>), and the <c>COMMIT</c> that ends the
    /// transaction: the transaction's <c>BEGIN</c>, the settings, the statement and the <c>COMMIT</c> go in one round trip
    /// (a statement that fails stops the batch before the <c>COMMIT</c>, and disposing the transaction rolls it back). Every row is updated twice after its insert and each version
    /// stays in the indexes of unfinished rows until vacuum; a plain index scan marks the entries of dead versions as it
    /// passes them and skips them from then on, a bitmap scan visits every one of them in the heap on every run.
    /// Mid-run, with statistics from a nearly empty table, the planner chose bitmap scans for the claim and the
    /// outcomes, over thousands of dead versions (docs/performance.md, "Eighth pass: the service on PostgreSQL"); the
    /// settings in a round trip of their own cost the claim and each pass of outcomes a round trip ("Ninth pass").
    /// </summary>
    internal static NpgsqlBatch IndexScansOnly(NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlBatchCommand statement)
    {
        var batch = new NpgsqlBatch(connection) { Transaction = transaction };
        foreach (var setting in IndexScansOnlySettings)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(setting));
        batch.BatchCommands.Add(statement);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        return batch;
    }

    /// <summary>
    /// Every outcome's transition in one <c>UPDATE … FROM unnest(…)</c>: the columns <see cref="SqliteOutbox.MarkSentSet"/>,
    /// <see cref="SqliteOutbox.ScheduleRetrySet"/>, <see cref="SqliteOutbox.MarkFailedSet"/> and
    /// <see cref="SqliteOutbox.MarkExpiredSet"/> set, chosen by the outcome's status (<c>at</c> is the retry's next
    /// attempt, else the completion), on rows still in flight.
    /// </summary>
    internal const string RecordSql = """
        UPDATE outbox o SET
            status = u.status,
            provider_message_id = CASE WHEN u.status = 'Sent' THEN u.provider_message_id ELSE o.provider_message_id END,
            next_attempt_at = CASE WHEN u.status = 'Pending' THEN u.at ELSE o.next_attempt_at END,
            last_error = CASE WHEN u.status = 'Sent' THEN o.last_error ELSE u.reason END,
            completed_at = CASE WHEN u.status = 'Pending' THEN o.completed_at ELSE u.at END,
            claimed_until = NULL
        FROM unnest(@ids::text[], @statuses::text[], @ats::bigint[], @providerIds::text[], @reasons::text[])
            AS u(id, status, at, provider_message_id, reason)
        WHERE o.id = u.id AND o.status = 'InFlight'
        """;

    /// <summary>Records a delivery or seen report in the caller's transaction; false when no message matches.</summary>
    public static async Task<bool> RecordReportAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string messageId, string? deliveryStatus, DateTimeOffset at, bool seen, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(ReportSql(seen), new { messageId, deliveryStatus, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) > 0;
}
