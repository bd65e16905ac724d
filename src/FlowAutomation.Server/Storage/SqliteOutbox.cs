using System.Data.Common;
using Dapper;
using FlowAutomation.Model;
using Microsoft.Data.Sqlite;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// The outbox in the <c>outbox</c> table. <see cref="EnqueueAsync(OutboxMessage, SqliteConnection, SqliteTransaction?, CancellationToken)"/>
/// takes the caller's connection and transaction, so the runtime commits the state change, the guard's
/// reservation and the outbox row together.
/// </summary>
internal sealed class SqliteOutbox(SqliteDatabase database) : OutboxTable
{
    protected override string InsertionOrder => "rowid";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await database.OpenAsync(cancellationToken);

    private static readonly string MarkSentSql = Transition(MarkSentSet);
    private static readonly string ScheduleRetrySql = Transition(ScheduleRetrySet);
    private static readonly string MarkFailedSql = Transition(MarkFailedSet);
    private static readonly string MarkExpiredSql = Transition(MarkExpiredSet);

    /// <summary>
    /// A pass's outcomes (or one mark's) as one write of the shared transaction (one savepoint), from prepared commands
    /// kept on the writer connection.
    /// </summary>
    public override async ValueTask<int> RecordAsync(IReadOnlyList<OutboxOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
            return 0;
        return await database.WriteSharedAsync((connection, transaction) =>
        {
            var changed = 0;
            foreach (var outcome in outcomes)
            {
                changed += outcome.Status switch
                {
                    OutboxStatus.Sent => Transition(connection, transaction, MarkSentSql, outcome.Id, "providerMessageId", outcome.ProviderMessageId, "at", outcome.At.ToUnixTimeMilliseconds()),
                    OutboxStatus.Pending => Transition(connection, transaction, ScheduleRetrySql, outcome.Id, "next", outcome.At.ToUnixTimeMilliseconds(), "reason", outcome.Reason ?? ""),
                    OutboxStatus.Failed => Transition(connection, transaction, MarkFailedSql, outcome.Id, "reason", outcome.Reason ?? "", "at", outcome.At.ToUnixTimeMilliseconds()),
                    OutboxStatus.Expired => Transition(connection, transaction, MarkExpiredSql, outcome.Id, "reason", outcome.Reason ?? "", "at", outcome.At.ToUnixTimeMilliseconds()),
                    _ => throw new ArgumentException($"{outcome.Status} is not an outcome", nameof(outcomes)),
                };
            }
            return Task.FromResult(changed);
        }, _ => true, cancellationToken);
    }

    private static int Transition(SqliteConnection connection, SqliteTransaction transaction, string sql, string id, string first, object? firstValue, string second, object? secondValue) =>
        SqliteStatements.Write(connection, transaction, sql, "id", first, second).Set(0, id).Set(1, firstValue).Set(2, secondValue).Execute();

    internal const string Columns = """
        id AS Id, conversation_id AS ConversationId, sender AS Sender, destination AS Destination,
        content_type AS ContentType, text AS Text, reply_to_message_id AS ReplyToMessageId, media_url AS MediaUrl,
        post_id AS PostId, callback_data AS CallbackData, created_at AS CreatedAt, expires_at AS ExpiresAt,
        status AS Status, attempts AS Attempts, next_attempt_at AS NextAttemptAt, claimed_until AS ClaimedUntil,
        provider_message_id AS ProviderMessageId, last_error AS LastError, completed_at AS CompletedAt
        """;

    public override async ValueTask<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default) =>
        await database.WriteAsync((connection, transaction) => EnqueueAsync(message, null, connection, transaction, cancellationToken), cancellationToken);

    public static Task<bool> EnqueueAsync(OutboxMessage message, SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken = default) =>
        EnqueueAsync(message, null, connection, transaction, cancellationToken);

    /// <summary>Queues the message in the caller's transaction; <paramref name="flowId"/> names the flow that sent it.</summary>
    public static Task<bool> EnqueueAsync(OutboxMessage message, string? flowId, SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (type, text, replyTo, mediaUrl, postId) = ContentColumns(message);
        var inserted = SqliteStatements.Write(connection, transaction, InsertSql,
                "Id", "ConversationId", "Sender", "Destination", "type", "text", "replyTo", "mediaUrl", "postId", "CallbackData", "createdAt", "expiresAt", "flowId")
            .Set(0, message.Id).Set(1, message.ConversationId).Set(2, message.Sender).Set(3, message.Destination).Set(4, type).Set(5, text)
            .Set(6, replyTo).Set(7, mediaUrl).Set(8, postId).Set(9, message.CallbackData).Set(10, message.CreatedAt.ToUnixTimeMilliseconds())
            .Set(11, message.ExpiresAt.ToUnixTimeMilliseconds()).Set(12, flowId).Execute();
        return Task.FromResult(inserted == 1);
    }

    /// <summary>The row's insert (both providers), with <see cref="InsertParameters"/>; nothing when the id is there.</summary>
    internal const string InsertSql = """
        INSERT INTO outbox (id, conversation_id, sender, destination, content_type, text, reply_to_message_id, media_url,
                            post_id, callback_data, created_at, expires_at, status, attempts, next_attempt_at, flow_id)
        VALUES (@Id, @ConversationId, @Sender, @Destination, @type, @text, @replyTo, @mediaUrl,
                @postId, @CallbackData, @createdAt, @expiresAt, 'Pending', 0, @createdAt, @flowId)
        ON CONFLICT (id) DO NOTHING
        """;

    internal static object InsertParameters(OutboxMessage message, string? flowId)
    {
        var (type, text, replyTo, mediaUrl, postId) = ContentColumns(message);
        return new
        {
            message.Id, message.ConversationId, message.Sender, message.Destination, type, text, replyTo, mediaUrl, postId,
            message.CallbackData, createdAt = message.CreatedAt.ToUnixTimeMilliseconds(), expiresAt = message.ExpiresAt.ToUnixTimeMilliseconds(), flowId,
        };
    }

    /// <summary>The columns a message's content fills: its type and the one field of that type.</summary>
    internal static (string Type, string? Text, string? ReplyTo, string? MediaUrl, string? PostId) ContentColumns(OutboxMessage message) => message.Content switch
    {
        TextContent t => ("TEXT", t.Text, t.ReplyToMessageId, null, null),
        ImageContent i => ("IMAGE", null, null, i.Url, null),
        SharePostContent p => ("SHARE_POST", null, null, null, p.PostId),
        _ => throw new ArgumentException($"Unknown content {message.Content.GetType().Name}.", nameof(message)),
    };

    /// <summary>
    /// Claims in the writer's shared transaction (<see cref="SqliteDatabase.WriteSharedAsync{T}"/>), so a claim queued
    /// behind the dispatcher's outcome writes sees them and costs no transaction of its own.
    /// </summary>
    public override async ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        return await database.WriteSharedAsync((connection, transaction) => ClaimAsync(connection, transaction, now, maxCount, lease), _ => true, cancellationToken);
    }

    /// <summary>
    /// The claim: one statement, so two dispatchers (or two processes) never claim the same row. Only the oldest
    /// unfinished entry of a conversation is claimable (rowid = insertion order): one customer's messages go out in order.
    /// The due pending rows and the in-flight rows whose lease ended are found apart, each walking
    /// <c>ix_outbox_due</c> in due order and stopping after <c>@maxCount</c> claimable rows; searched together (an
    /// <c>OR</c>), SQLite checked and sorted every due row first, which grew with the backlog (15 ms a claim at 12,000
    /// pending rows against 0.1 ms).
    /// </summary>
    internal const string ClaimSql = $"""
        UPDATE outbox SET status = 'InFlight', attempts = attempts + 1, claimed_until = @leaseUntil
        WHERE rowid IN (
            SELECT picked FROM (
                SELECT * FROM (
                    SELECT o.rowid AS picked, o.next_attempt_at AS due FROM outbox o
                    WHERE o.status = 'Pending' AND o.next_attempt_at <= @now AND {FirstOfConversation}
                    ORDER BY o.next_attempt_at, o.rowid LIMIT @maxCount)
                UNION ALL
                SELECT * FROM (
                    SELECT o.rowid AS picked, o.next_attempt_at AS due FROM outbox o
                    WHERE o.status = 'InFlight' AND o.claimed_until <= @now AND {FirstOfConversation}
                    ORDER BY o.next_attempt_at, o.rowid LIMIT @maxCount)
                ORDER BY due, picked LIMIT @maxCount))
        RETURNING rowid AS Sequence, {Columns}
        """;

    private const string FirstOfConversation = """
        NOT EXISTS (
            SELECT 1 FROM outbox e
            WHERE e.conversation_id = o.conversation_id AND e.rowid < o.rowid AND e.status IN ('Pending', 'InFlight'))
        """;

    private static async Task<IReadOnlyList<OutboxEntry>> ClaimAsync(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now, int maxCount, TimeSpan lease)
    {
        // A prepared command kept on the writer connection, its rows read by position (Dapper prepared the statement
        // and built its reader anew on every claim).
        var claim = SqliteStatements.Get(connection, transaction, ClaimSql, "now", "leaseUntil", "maxCount")
            .Set(0, now.ToUnixTimeMilliseconds()).Set(1, (now + lease).ToUnixTimeMilliseconds()).Set(2, maxCount);
        var rows = new List<OutboxRow>();
        await using (var reader = await claim.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                rows.Add(OutboxRow.Read(reader));
        }
        return rows.OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Sequence).Select(r => r.ToEntry()).ToList();
    }

    /// <summary>
    /// Records a delivery or seen report on the message it is about (by our id, which we send as Infobip's
    /// <c>messageId</c>, or by the provider's id); false when no message matches.
    /// </summary>
    public static async Task<bool> RecordReportAsync(SqliteConnection connection, SqliteTransaction transaction, string messageId, string? deliveryStatus, DateTimeOffset at, bool seen, CancellationToken cancellationToken)
    {
        var changed = await connection.ExecuteAsync(new CommandDefinition(ReportSql(seen), new { messageId, deliveryStatus, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        return changed > 0;
    }

    /// <summary>A report's update (both providers): parameters <c>messageId</c>, <c>deliveryStatus</c>, <c>at</c>.</summary>
    internal static string ReportSql(bool seen) => seen
        ? "UPDATE outbox SET seen_at = @at WHERE id = @messageId OR provider_message_id = @messageId"
        : "UPDATE outbox SET delivery_status = @deliveryStatus, delivered_at = CASE WHEN @deliveryStatus = 'DELIVERED' THEN @at ELSE delivered_at END WHERE id = @messageId OR provider_message_id = @messageId";

    /// <summary>The transitions of an in-flight row (both providers), as <c>SET</c> clauses.</summary>
    internal const string MarkSentSet = "status = 'Sent', provider_message_id = @providerMessageId, claimed_until = NULL, completed_at = @at";
    internal const string ScheduleRetrySet = "status = 'Pending', next_attempt_at = @next, claimed_until = NULL, last_error = @reason";
    internal const string MarkFailedSet = "status = 'Failed', last_error = @reason, claimed_until = NULL, completed_at = @at";
    internal const string MarkExpiredSet = "status = 'Expired', last_error = @reason, claimed_until = NULL, completed_at = @at";

    internal sealed class OutboxRow
    {
        public long Sequence { get; set; }
        public string Id { get; set; } = "";
        public string? ConversationId { get; set; }
        public string? Sender { get; set; }
        public string Destination { get; set; } = "";
        public string ContentType { get; set; } = "";
        public string? Text { get; set; }
        public string? ReplyToMessageId { get; set; }
        public string? MediaUrl { get; set; }
        public string? PostId { get; set; }
        public string? CallbackData { get; set; }
        public long CreatedAt { get; set; }
        public long ExpiresAt { get; set; }
        public string Status { get; set; } = "";
        public long Attempts { get; set; }
        public long NextAttemptAt { get; set; }
        public long? ClaimedUntil { get; set; }
        public string? ProviderMessageId { get; set; }
        public string? LastError { get; set; }
        public long? CompletedAt { get; set; }

        /// <summary>A row of <c>Sequence, {Columns}</c> in that order.</summary>
        public static OutboxRow Read(SqliteDataReader reader) => new()
        {
            Sequence = reader.GetInt64(0),
            Id = reader.GetString(1),
            ConversationId = Nullable(reader, 2),
            Sender = Nullable(reader, 3),
            Destination = reader.GetString(4),
            ContentType = reader.GetString(5),
            Text = Nullable(reader, 6),
            ReplyToMessageId = Nullable(reader, 7),
            MediaUrl = Nullable(reader, 8),
            PostId = Nullable(reader, 9),
            CallbackData = Nullable(reader, 10),
            CreatedAt = reader.GetInt64(11),
            ExpiresAt = reader.GetInt64(12),
            Status = reader.GetString(13),
            Attempts = reader.GetInt64(14),
            NextAttemptAt = reader.GetInt64(15),
            ClaimedUntil = reader.IsDBNull(16) ? null : reader.GetInt64(16),
            ProviderMessageId = Nullable(reader, 17),
            LastError = Nullable(reader, 18),
            CompletedAt = reader.IsDBNull(19) ? null : reader.GetInt64(19),
        };

        private static string? Nullable(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

        public OutboxEntry ToEntry()
        {
            SendableContent content = ContentType switch
            {
                "IMAGE" => new ImageContent(MediaUrl ?? ""),
                "SHARE_POST" => new SharePostContent(PostId ?? ""),
                _ => new TextContent(Text ?? "") { ReplyToMessageId = ReplyToMessageId },
            };
            var message = new OutboxMessage(Id, ConversationId, Sender, Destination, content, Time(CreatedAt), Time(ExpiresAt), CallbackData);
            return new OutboxEntry(message, Enum.Parse<OutboxStatus>(Status), (int)Attempts, Time(NextAttemptAt),
                ClaimedUntil is { } claimed ? Time(claimed) : null, ProviderMessageId, LastError, CompletedAt is { } done ? Time(done) : null);
        }

        private static DateTimeOffset Time(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }
}
