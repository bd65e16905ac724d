-- 3: the outbox's unfinished rows only, which every node's dispatcher claims from. A claim looks at the due rows in
-- due order and, for each, at its conversation's older unfinished rows; over the whole table (every sent row, and
-- every row's dead versions from its three updates) one claim took 46–56 ms on the server with the outbox keeping up
-- (docs/performance.md, "Seventh pass: the PostgreSQL dispatcher"). These indexes hold only the rows still to send,
-- a few hundred while the dispatcher keeps up.
CREATE INDEX ix_outbox_unfinished_due ON outbox (next_attempt_at, seq) WHERE status IN ('Pending', 'InFlight');
CREATE INDEX ix_outbox_unfinished_conversation ON outbox (conversation_id, seq) WHERE status IN ('Pending', 'InFlight');
-- The claim was this index's only reader; it holds an entry for every version of every row (three per reply), and
-- mid-run the claim's bitmap scan of it visited thousands of dead ones (the planner's statistics still counting a
-- nearly empty table).
DROP INDEX ix_outbox_due;
