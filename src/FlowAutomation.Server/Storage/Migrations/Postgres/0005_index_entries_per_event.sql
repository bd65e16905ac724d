-- 5: fewer index entries written per event, and one plan for the inbox row's marker (docs/performance.md,
-- "Twenty-first pass, second round: PostgreSQL's own work per event"). Every query keeps an index; the plans are there.
--
-- The marker (`UPDATE inbox … WHERE seq = @seq AND status = 'pending'`, done or failed) found its row through
-- ix_inbox_pending_conversation, whose predicate its condition implies: a scan of every pending row's entry for the
-- one seq (EXPLAIN on a fresh database; mid-run 2.3 entries read per scan). An index on the pending rows' seq reads one
-- entry. It replaces ix_inbox_pending (status, seq), which no PostgreSQL query needs (the pending rows are read by
-- conversation, through ix_inbox_pending_conversation) and in which each marker wrote a second entry for the row; a
-- row leaving the pending state writes none in a partial index.
CREATE INDEX ix_inbox_pending_seq ON inbox (seq) WHERE status = 'pending';
DROP INDEX ix_inbox_pending;
-- The audit's times are read only by range (the activity report); a block range index serves that, and an insert into
-- it costs next to nothing, where the B-tree took an entry for each of an event's audit rows on its last page, which
-- every committing event wanted at once.
DROP INDEX ix_audit_at;
CREATE INDEX ix_audit_at ON audit USING brin (at);
-- The outbox's seq orders rows within a conversation (ix_outbox_conversation, ix_outbox_unfinished_conversation) and
-- the due rows (ix_outbox_unfinished_due); no query looks a row up by seq alone, and the identity makes it unique.
-- The constraint's index took an entry for the insert and for each of the row's two updates.
ALTER TABLE outbox DROP CONSTRAINT outbox_seq_key;
