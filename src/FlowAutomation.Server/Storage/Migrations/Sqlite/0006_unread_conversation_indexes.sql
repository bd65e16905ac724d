-- 6: fewer pages written per event — the conversations' indexes on contact_id and on assignee are read by no query (the contact search scans, the open count reads ix_conversations_open_assignee), yet every event's UPDATE of its conversation rewrote an entry in each.
DROP INDEX IF EXISTS ix_conversations_contact;
DROP INDEX IF EXISTS ix_conversations_assignee;
