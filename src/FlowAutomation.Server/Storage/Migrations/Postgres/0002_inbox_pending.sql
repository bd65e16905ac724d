-- 2: the pending rows per conversation, which every node's inbox processor reads: the conversations waiting longest
-- (its poll) and each conversation's oldest pending row (taken under the conversation's advisory lock).
CREATE INDEX ix_inbox_pending_conversation ON inbox (conversation_id, seq) WHERE status = 'pending';
