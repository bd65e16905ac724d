-- 7: fewer pages written per event — the inbox and the audit log without AUTOINCREMENT (their rows are never deleted, so a new row's seq is the largest one plus one either way, and no commit rewrites the sqlite_sequence page), and the inbox's pending index holding the pending rows only (a row done no longer writes a new entry at the index's end).
CREATE TABLE inbox_rebuilt (
    seq INTEGER PRIMARY KEY,
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
INSERT INTO inbox_rebuilt (seq, dedup_key, provider, kind, conversation_id, contact_id, received_at, payload, status, attempts, processed_at, last_error)
    SELECT seq, dedup_key, provider, kind, conversation_id, contact_id, received_at, payload, status, attempts, processed_at, last_error FROM inbox;
DROP TABLE inbox;
ALTER TABLE inbox_rebuilt RENAME TO inbox;
CREATE INDEX ix_inbox_pending ON inbox (seq) WHERE status = 'pending';
CREATE INDEX ix_inbox_conversation ON inbox (conversation_id, seq);
CREATE TABLE audit_rebuilt (
    seq INTEGER PRIMARY KEY,
    conversation_id TEXT,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    flow TEXT,
    name TEXT,
    status TEXT,
    reason TEXT,
    detail TEXT,
    record TEXT NOT NULL,
    node TEXT
);
INSERT INTO audit_rebuilt (seq, conversation_id, at, kind, flow, name, status, reason, detail, record, node)
    SELECT seq, conversation_id, at, kind, flow, name, status, reason, detail, record, node FROM audit;
DROP TABLE audit;
ALTER TABLE audit_rebuilt RENAME TO audit;
CREATE INDEX ix_audit_conversation ON audit (conversation_id, seq);
CREATE INDEX ix_audit_at ON audit (at);
