namespace FlowAutomation.Server.Common;

/// <summary>The service's log messages (source-generated, no cost when the level is off).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Schema '{Component}' up to date: {Version} migration scripts applied")]
    public static partial void SchemaMigrated(this ILogger logger, string component, int version);

    [LoggerMessage(61, LogLevel.Information, "Schema migration script {Script} applied")]
    public static partial void SchemaScriptRun(this ILogger logger, string script);

    [LoggerMessage(EventId = 62, Message = "Schema migration: {Message}")]
    public static partial void SchemaMigrationMessage(this ILogger logger, LogLevel level, string message);

    [LoggerMessage(2, LogLevel.Debug, "Purged {Count} dedup keys")]
    public static partial void DedupPurged(this ILogger logger, int count);

    [LoggerMessage(3, LogLevel.Warning, "Dedup purge failed")]
    public static partial void DedupPurgeFailed(this ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "Refused webhook {Path}: {Status} {Reason}")]
    public static partial void WebhookRefused(this ILogger logger, string path, int status, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Inbound sink refused {Count} records")]
    public static partial void SinkRefused(this ILogger logger, Exception exception, int count);

    [LoggerMessage(12, LogLevel.Error, "Inbox could not store the record {DedupKey}; the others of its request are taken, the request is answered 503")]
    public static partial void InboxRecordRefused(this ILogger logger, Exception exception, string dedupKey);

    [LoggerMessage(20, LogLevel.Warning, "Sending outbox message {Id} threw")]
    public static partial void SendThrew(this ILogger logger, Exception exception, string id);

    [LoggerMessage(21, LogLevel.Warning, "Outbox message {Id} failed: {Reason}")]
    public static partial void OutboxFailed(this ILogger logger, string id, string reason);

    [LoggerMessage(22, LogLevel.Information, "Outbox message {Id} expired: {Reason}")]
    public static partial void OutboxExpired(this ILogger logger, string id, string reason);

    [LoggerMessage(29, LogLevel.Warning, "Outbox message {Id} not sent: its lease ended before its turn in the dispatch pass; the next claim takes it again")]
    public static partial void LeaseEnded(this ILogger logger, string id);

    [LoggerMessage(23, LogLevel.Warning, "Outbox dispatcher idle: set Infobip:BaseUrl and Infobip:ApiKey to send messages (queued messages wait)")]
    public static partial void DispatcherIdle(this ILogger logger);

    [LoggerMessage(25, LogLevel.Information, "Image {Url}: {Facts}")]
    public static partial void ImageInspected(this ILogger logger, string url, string facts);

    [LoggerMessage(26, LogLevel.Information, "No provider configured: would send to {Destination} (conversation {ConversationId}, message {Id}): {Content}")]
    public static partial void WouldSend(this ILogger logger, string destination, string conversationId, string id, string content);

    [LoggerMessage(27, LogLevel.Warning, "No messaging provider is configured (Infobip:BaseUrl and Infobip:ApiKey are empty): each reply is written to this log instead of being sent")]
    public static partial void NoProviderConfigured(this ILogger logger);

    [LoggerMessage(28, LogLevel.Information, "Sent message {Id} to {Destination} (conversation {ConversationId})")]
    public static partial void MessageSent(this ILogger logger, string id, string destination, string conversationId);

    [LoggerMessage(24, LogLevel.Error, "Outbox dispatch pass failed")]
    public static partial void DispatchFailed(this ILogger logger, Exception exception);

    [LoggerMessage(30, LogLevel.Warning, "Writing audit records failed")]
    public static partial void AuditFailed(this ILogger logger, Exception exception);

    [LoggerMessage(31, LogLevel.Information, "Inbox: {Count} records from before the start to process")]
    public static partial void InboxRecovered(this ILogger logger, int count);

    [LoggerMessage(32, LogLevel.Warning, "Inbox record {Seq} of conversation {ConversationId} failed (attempt {Attempt})")]
    public static partial void InboxAttemptFailed(this ILogger logger, Exception exception, long seq, string conversationId, int attempt);

    [LoggerMessage(33, LogLevel.Error, "Inbox record {Seq} of conversation {ConversationId} failed {Attempts} times and is set aside as failed")]
    public static partial void InboxFailed(this ILogger logger, Exception exception, long seq, string conversationId, int attempts);

    [LoggerMessage(39, LogLevel.Warning, "An observer of the inbox failed on record {Seq}; the record is processed all the same")]
    public static partial void InboxObserverFailed(this ILogger logger, Exception exception, long seq);

    [LoggerMessage(34, LogLevel.Warning, "Work after a commit failed for conversation {ConversationId}")]
    public static partial void AfterCommitFailed(this ILogger logger, Exception exception, string conversationId);

    [LoggerMessage(35, LogLevel.Information, "Handled {Event} {EventId} of conversation {ConversationId}: {Fired} flows fired ({Flows}), {Allowed} replies allowed, {Refused} refused")]
    public static partial void EventHandled(this ILogger logger, string @event, string eventId, string conversationId, int fired, string flows, int allowed, int refused);

    [LoggerMessage(38, LogLevel.Information, "Recorded agent.sent {MessageId} of conversation {ConversationId}: a message a person sent from TikTok's app, counted in the window")]
    public static partial void AgentMessageRecorded(this ILogger logger, string messageId, string conversationId);

    [LoggerMessage(36, LogLevel.Information, "Flow {Flow} fired on {Event} in conversation {ConversationId}")]
    public static partial void FlowFired(this ILogger logger, string flow, string @event, string conversationId);

    [LoggerMessage(37, LogLevel.Information, "Refused ({Reason}) a reply of flow {Flow} in conversation {ConversationId}: {Detail}")]
    public static partial void MessageRefused(this ILogger logger, string reason, string flow, string conversationId, string detail);

    [LoggerMessage(40, LogLevel.Information, "Follow-ups: Hangfire started; {Rescheduled} follow-ups handed to it again on start")]
    public static partial void FollowUpsStarted(this ILogger logger, int rescheduled);

    [LoggerMessage(41, LogLevel.Information, "Follow-up {JobId} skipped: {Why}")]
    public static partial void FollowUpSkipped(this ILogger logger, string jobId, string why);

    [LoggerMessage(42, LogLevel.Error, "Follow-up {JobId} failed; it stays scheduled and is handed to Hangfire again by the next reconciliation")]
    public static partial void FollowUpFailed(this ILogger logger, Exception exception, string jobId);

    [LoggerMessage(43, LogLevel.Warning, "Follow-up reconciliation failed")]
    public static partial void FollowUpReconcileFailed(this ILogger logger, Exception exception);

    [LoggerMessage(72, LogLevel.Warning, "Handing follow-ups due within the horizon to Hangfire failed; the next pass tries again")]
    public static partial void FollowUpPromotionFailed(this ILogger logger, Exception exception);

    [LoggerMessage(44, LogLevel.Debug, "Follow-up {JobId} started {EarlyMs} ms before its due time; it waits out the rest")]
    public static partial void FollowUpEarly(this ILogger logger, string jobId, double earlyMs);

    [LoggerMessage(50, LogLevel.Information, "Flows loaded from {Directory}: {Count} flows, {Warnings} warnings")]
    public static partial void FlowsLoaded(this ILogger logger, string directory, int count, int warnings);

    [LoggerMessage(51, LogLevel.Error, "Flows in {Directory} have errors; the running set ({Count} flows) stays:{Diagnostics}")]
    public static partial void FlowsReloadRefused(this ILogger logger, string directory, int count, string diagnostics);

    [LoggerMessage(52, LogLevel.Warning, "Flow reload failed")]
    public static partial void FlowsReloadFailed(this ILogger logger, Exception exception);

    [LoggerMessage(53, LogLevel.Warning, "Flow diagnostics:{Diagnostics}")]
    public static partial void FlowWarnings(this ILogger logger, string diagnostics);

    [LoggerMessage(60, LogLevel.Warning, "Admin API is disabled: set Admin:ApiKey to enable /api")]
    public static partial void AdminDisabled(this ILogger logger);

    [LoggerMessage(70, LogLevel.Warning, "Inbox: looking for pending rows failed; the next poll tries again")]
    public static partial void InboxPollFailed(this ILogger logger, Exception exception);

    [LoggerMessage(71, LogLevel.Warning, "Inbox: running conversation {ConversationId} failed; its rows stay pending for the next poll")]
    public static partial void InboxConversationFailed(this ILogger logger, Exception exception, string conversationId);
}
