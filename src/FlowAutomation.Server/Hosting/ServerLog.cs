namespace FlowAutomation.Server.Hosting;

/// <summary>The service's log messages (source-generated, no cost when the level is off).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "SQLite schema '{Component}' at version {Version}")]
    public static partial void SchemaMigrated(this ILogger logger, string component, int version);

    [LoggerMessage(2, LogLevel.Debug, "Purged {Count} dedup keys")]
    public static partial void DedupPurged(this ILogger logger, int count);

    [LoggerMessage(3, LogLevel.Warning, "Dedup purge failed")]
    public static partial void DedupPurgeFailed(this ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "Refused webhook {Path}: {Status} {Reason}")]
    public static partial void WebhookRefused(this ILogger logger, string path, int status, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Inbound sink refused {DedupKey}")]
    public static partial void SinkRefused(this ILogger logger, Exception exception, string dedupKey);

    [LoggerMessage(20, LogLevel.Warning, "Sending outbox message {Id} threw")]
    public static partial void SendThrew(this ILogger logger, Exception exception, string id);

    [LoggerMessage(21, LogLevel.Warning, "Outbox message {Id} failed: {Reason}")]
    public static partial void OutboxFailed(this ILogger logger, string id, string reason);

    [LoggerMessage(22, LogLevel.Information, "Outbox message {Id} expired: {Reason}")]
    public static partial void OutboxExpired(this ILogger logger, string id, string reason);

    [LoggerMessage(23, LogLevel.Warning, "Outbox dispatcher idle: set Infobip:BaseUrl and Infobip:ApiKey to send messages (queued messages wait)")]
    public static partial void DispatcherIdle(this ILogger logger);

    [LoggerMessage(24, LogLevel.Error, "Outbox dispatch pass failed")]
    public static partial void DispatchFailed(this ILogger logger, Exception exception);
}
