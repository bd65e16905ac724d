-- 1: the whole schema as SQLite's migrations 1–5 leave it, in PostgreSQL's types. Times are Unix milliseconds
-- (bigint) except inside the conversation state document, which keeps them exactly. Several nodes share these
-- tables: the inbox and the outbox are claimed row by row (FOR UPDATE SKIP LOCKED), a conversation's work runs under
-- a transaction-scoped advisory lock on its id, and the state's version is the compare-and-swap that keeps the quota.

CREATE TABLE inbound_dedup (
    key text NOT NULL PRIMARY KEY,
    received_at bigint NOT NULL
);
CREATE INDEX ix_inbound_dedup_received_at ON inbound_dedup (received_at);

CREATE TABLE outbox (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text NOT NULL PRIMARY KEY,
    conversation_id text,
    sender text,
    destination text NOT NULL,
    content_type text NOT NULL,
    text text,
    reply_to_message_id text,
    media_url text,
    post_id text,
    callback_data text,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    claimed_until bigint,
    provider_message_id text,
    last_error text,
    completed_at bigint,
    flow_id text,
    delivery_status text,
    delivered_at bigint,
    seen_at bigint
);
CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX ix_outbox_provider_message_id ON outbox (provider_message_id);
CREATE INDEX ix_outbox_conversation ON outbox (conversation_id, seq);

CREATE TABLE conversations (
    id text NOT NULL PRIMARY KEY,
    version bigint NOT NULL,
    contact_id text,
    contact_name text,
    assignee text,
    team text,
    closed boolean NOT NULL DEFAULT false,
    last_inbound_at bigint,
    window_end bigint,
    updated_at bigint NOT NULL,
    state text NOT NULL
);
CREATE INDEX ix_conversations_contact ON conversations (contact_id);
CREATE INDEX ix_conversations_assignee ON conversations (assignee);
CREATE INDEX ix_conversations_open_assignee ON conversations (assignee) WHERE NOT closed;

CREATE TABLE inbox (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key text NOT NULL UNIQUE,
    provider text NOT NULL,
    kind text NOT NULL,
    conversation_id text,
    contact_id text,
    received_at bigint NOT NULL,
    payload text NOT NULL,
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    processed_at bigint,
    last_error text
);
CREATE INDEX ix_inbox_pending ON inbox (status, seq);
CREATE INDEX ix_inbox_conversation ON inbox (conversation_id, seq);

CREATE TABLE follow_ups (
    id text NOT NULL PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    conversation_id text NOT NULL,
    flow_id text NOT NULL,
    follow_up_id text NOT NULL,
    due_at bigint NOT NULL,
    status text NOT NULL,
    job text NOT NULL,
    created_at bigint NOT NULL,
    done_at bigint,
    hangfire_job_id text
);
CREATE INDEX ix_follow_ups_conversation ON follow_ups (conversation_id, status, due_at);
CREATE INDEX ix_follow_ups_status ON follow_ups (status, due_at);

CREATE TABLE audit (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id text,
    at bigint NOT NULL,
    kind text NOT NULL,
    flow text,
    name text,
    status text,
    reason text,
    detail text,
    record text NOT NULL,
    node text
);
CREATE INDEX ix_audit_conversation ON audit (conversation_id, seq);
CREATE INDEX ix_audit_at ON audit (at);

CREATE TABLE team_turns (
    team text NOT NULL PRIMARY KEY,
    turn bigint NOT NULL
);
