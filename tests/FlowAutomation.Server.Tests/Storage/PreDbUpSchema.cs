namespace FlowAutomation.Server.Tests.Storage;

/// <summary>
/// The migrations of the code before DbUp, verbatim (src/FlowAutomation.Server/Storage/SqliteSchema.cs as it was),
/// with its runner (<see cref="CreateAsync"/>): the databases users have, which the DbUp scripts must upgrade.
/// Times are Unix milliseconds (INTEGER) except inside the conversation state document, which keeps them exactly.
/// </summary>
internal static class PreDbUpSchema
{
    public static readonly string[] Migrations =
    [
        // 1: the edges — inbound dedup keys and the outbox.
        """
        CREATE TABLE inbound_dedup (
            key TEXT NOT NULL PRIMARY KEY,
            received_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX ix_inbound_dedup_received_at ON inbound_dedup (received_at);
        CREATE TABLE outbox (
            id TEXT NOT NULL PRIMARY KEY,
            conversation_id TEXT,
            sender TEXT,
            destination TEXT NOT NULL,
            content_type TEXT NOT NULL,
            text TEXT,
            reply_to_message_id TEXT,
            media_url TEXT,
            post_id TEXT,
            callback_data TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            claimed_until INTEGER,
            provider_message_id TEXT,
            last_error TEXT,
            completed_at INTEGER
        );
        CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at);
        CREATE INDEX ix_outbox_provider_message_id ON outbox (provider_message_id);
        CREATE INDEX ix_outbox_conversation ON outbox (conversation_id);
        """,

        // 2: the runtime — conversations (contact, guard state, tags, fields, assignment), the inbox of taken
        // webhook records, follow-ups, the audit log, and delivery reports on the outbox.
        """
        CREATE TABLE conversations (
            id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            contact_id TEXT,
            contact_name TEXT,
            assignee TEXT,
            team TEXT,
            last_inbound_at INTEGER,
            window_end INTEGER,
            updated_at INTEGER NOT NULL,
            state TEXT NOT NULL
        );
        CREATE INDEX ix_conversations_contact ON conversations (contact_id);
        CREATE INDEX ix_conversations_assignee ON conversations (assignee);
        CREATE TABLE inbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            dedup_key TEXT NOT NULL UNIQUE,
            provider TEXT NOT NULL,
            kind TEXT NOT NULL,
            conversation_id TEXT,
            contact_id TEXT,
            received_at INTEGER NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            processed_at INTEGER,
            last_error TEXT
        );
        CREATE INDEX ix_inbox_pending ON inbox (status, seq);
        CREATE INDEX ix_inbox_conversation ON inbox (conversation_id, seq);
        CREATE TABLE follow_ups (
            id TEXT NOT NULL PRIMARY KEY,
            seq INTEGER NOT NULL,
            conversation_id TEXT NOT NULL,
            flow_id TEXT NOT NULL,
            follow_up_id TEXT NOT NULL,
            due_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            job TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            done_at INTEGER
        );
        CREATE INDEX ix_follow_ups_conversation ON follow_ups (conversation_id, status, due_at);
        CREATE INDEX ix_follow_ups_status ON follow_ups (status, due_at);
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id TEXT,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            flow TEXT,
            name TEXT,
            status TEXT,
            reason TEXT,
            detail TEXT,
            record TEXT NOT NULL
        );
        CREATE INDEX ix_audit_conversation ON audit (conversation_id, seq);
        ALTER TABLE outbox ADD COLUMN flow_id TEXT;
        ALTER TABLE outbox ADD COLUMN delivery_status TEXT;
        ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
        ALTER TABLE outbox ADD COLUMN seen_at INTEGER;
        """,

        // 3: assignment — each team's round-robin turn, and whether a conversation is closed beside its assignee, so
        // that least_open counts open conversations per agent from an index.
        """
        CREATE TABLE team_turns (
            team TEXT NOT NULL PRIMARY KEY,
            turn INTEGER NOT NULL
        ) WITHOUT ROWID;
        ALTER TABLE conversations ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
        UPDATE conversations SET closed = 1 WHERE json_extract(state, '$.Closed') = 1;
        CREATE INDEX ix_conversations_open_assignee ON conversations (assignee) WHERE closed = 0;
        """,

        // 4: the studio's counts — each action record names its node (the YAML path of the action in its flow), and
        // the audit log is read by time.
        """
        ALTER TABLE audit ADD COLUMN node TEXT;
        CREATE INDEX ix_audit_at ON audit (at);
        """,

        // 5: follow-ups on Hangfire — the id of the Hangfire job that times each follow-up, to cancel it and to find
        // the rows whose job is gone.
        """
        ALTER TABLE follow_ups ADD COLUMN hangfire_job_id TEXT;
        """,
    ];

    /// <summary>What the old <c>SqliteDatabase.MigrateAsync</c> did: run migrations up to <paramref name="version"/> and record it in <c>schema_versions</c>.</summary>
    public static async Task CreateAsync(string connectionString, int version)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await Dapper.SqlMapper.ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL)", transaction: transaction);
        for (var next = 0; next < version; next++)
            await Dapper.SqlMapper.ExecuteAsync(connection, Migrations[next], transaction: transaction);
        await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO schema_versions (component, version) VALUES ('server', @version)", new { version }, transaction);
        await transaction.CommitAsync();
    }
}
