-- 1: the edges — inbound dedup keys and the outbox.
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
