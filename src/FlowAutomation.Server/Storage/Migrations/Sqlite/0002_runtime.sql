-- 2: the runtime — conversations (contact, guard state, tags, fields, assignment), the inbox of taken webhook records, follow-ups, the audit log, and delivery reports on the outbox.
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
