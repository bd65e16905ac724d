using System.Data.Common;

namespace FlowAutomation.Server.Storage;

/// <summary>
/// What the host needs of the service's database whatever the provider: its schema brought up to date on start, a
/// round trip for <c>/readyz</c> (which names the provider), and plain connections for read-only queries whose SQL
/// both providers accept (the admin API's status and conversation views, the studio's readers).
/// </summary>
internal interface IServiceDatabase
{
    /// <summary>The provider's name as <c>/readyz</c> reports it (<c>sqlite</c>, <c>postgres</c>).</summary>
    string Provider { get; }

    /// <summary>The outbox column that orders rows as they were inserted (<c>rowid</c> on SQLite, <c>seq</c> on PostgreSQL).</summary>
    string OutboxInsertionOrder { get; }

    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the tables or brings them to the latest version; returns how many scripts the database has run in all.</summary>
    Task<int> MigrateAsync(ILogger? logger = null, CancellationToken cancellationToken = default);

    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>A conversation's audit trail as the admin API pages through it, on either provider.</summary>
internal interface IAuditLog
{
    /// <summary>The conversation's trail, oldest first, after <paramref name="afterSeq"/>, at most <paramref name="limit"/> rows.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(string conversationId, long afterSeq = 0, int limit = 500, CancellationToken cancellationToken = default);
}
