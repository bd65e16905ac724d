-- 3: assignment — each team's round-robin turn, and whether a conversation is closed beside its assignee, so that least_open counts open conversations per agent from an index.
CREATE TABLE team_turns (
    team TEXT NOT NULL PRIMARY KEY,
    turn INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE conversations ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
UPDATE conversations SET closed = 1 WHERE json_extract(state, '$.Closed') = 1;
CREATE INDEX ix_conversations_open_assignee ON conversations (assignee) WHERE closed = 0;
