-- 4: the engine's commit in one round trip with its COMMIT (docs/performance.md, "Thirteenth pass: the service on
-- PostgreSQL"). The commit's guarded statements (the work item's marker, the state's and the turns' compare-and-swaps)
-- used to be judged on the node from their rows affected, after the batch and before a COMMIT or ROLLBACK of its own;
-- each now runs as `WITH changed AS (… RETURNING 1) SELECT flowautomation_expect_one(COUNT(*), code) FROM changed` and
-- fails the transaction with its own SQLSTATE when it changed no row, so the COMMIT can end the same batch.
CREATE FUNCTION flowautomation_expect_one(changed bigint, code text) RETURNS bigint LANGUAGE plpgsql AS '
BEGIN
    IF changed <> 1 THEN
        RAISE EXCEPTION ''flowautomation: % rows changed where one was expected'', changed USING ERRCODE = code;
    END IF;
    RETURN changed;
END';
-- The conversations' indexes on contact_id and on assignee are read by no query (SQLite dropped its copies in its
-- script 6: the contact search scans, the open count reads ix_conversations_open_assignee), yet every event's UPDATE of
-- its conversation wrote an entry in each.
DROP INDEX IF EXISTS ix_conversations_contact;
DROP INDEX IF EXISTS ix_conversations_assignee;
