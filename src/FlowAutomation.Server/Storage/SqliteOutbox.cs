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

    /// <summary>A row's transition (sent, retry, failed, expired) shares its transaction with the writes around it (group commit).</summary>
    protected override Task<int> WriteAsync(Func<DbConnection, DbTransaction, Task<int>> work, CancellationToken cancellationToken) =>
        database.WriteSharedAsync((connection, transaction) => work(connection, transaction), _ => true, cancellationToken);

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
        var inserted = SqliteStatements.Get(connection, transaction, InsertSql,
                "Id", "ConversationId", "Sender", "Destination", "type", "text", "replyTo", "mediaUrl", "postId", "CallbackData", "createdAt", "expiresAt", "flowId")
            .Set(0, message.Id).Set(1, message.ConversationId).Set(2, message.Sender).Set(3, message.Destination).Set(4, type).Set(5, text)
            .Set(6, replyTo).Set(7, mediaUrl).Set(8, postId).Set(9, message.CallbackData).Set(10, message.CreatedAt.ToUnixTimeMilliseconds())
            .Set(11, message.ExpiresAt.ToUnixTimeMilliseconds()).Set(12, flowId).ExecuteNonQuery();
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
    private static (string Type, string? Text, string? ReplyTo, string? MediaUrl, string? PostId) ContentColumns(OutboxMessage message) => message.Content switch
    {
        TextContent t => ("TEXT", t.Text, t.ReplyToMessageId, null, null),
        ImageContent i => ("IMAGE", null, null, i.Url, null),
        SharePostContent p => ("SHARE_POST", null, null, null, p.PostId),
        _ => throw new ArgumentException($"Unknown content {message.Content.GetType().Name}.", nameof(message)),
    };

    public override async ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        return await database.WriteAsync((connection, transaction) => ClaimAsync(connection, transaction, now, maxCount, lease, cancellationToken), cancellationToken);
    }

    private static async Task<IReadOnlyList<OutboxEntry>> ClaimAsync(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        // One statement, so two dispatchers (or two processes) never claim the same row. Only the oldest unfinished
        // entry of a conversation is claimable (rowid = insertion order): one customer's messages go out in order.
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition($"""
            UPDATE outbox SET status = 'InFlight', attempts = attempts + 1, claimed_until = @leaseUntil
            WHERE rowid IN (
                SELECT o.rowid FROM outbox o
                WHERE ((o.status = 'Pending' AND o.next_attempt_at <= @now) OR (o.status = 'InFlight' AND o.claimed_until <= @now))
                  AND NOT EXISTS (
                      SELECT 1 FROM outbox e
                      WHERE e.conversation_id = o.conversation_id AND e.rowid < o.rowid AND e.status IN ('Pending', 'InFlight'))
                ORDER BY o.next_attempt_at, o.rowid
                LIMIT @maxCount)
            RETURNING rowid AS Sequence, {Columns}
            """,
            new { now = now.ToUnixTimeMilliseconds(), leaseUntil = (now + lease).ToUnixTimeMilliseconds(), maxCount },
            transaction, cancellationToken: cancellationToken));
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
