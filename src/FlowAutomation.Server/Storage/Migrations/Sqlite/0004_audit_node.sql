-- 4: the studio's counts — each action record names its node (the YAML path of the action in its flow), and the audit log is read by time.
ALTER TABLE audit ADD COLUMN node TEXT;
CREATE INDEX ix_audit_at ON audit (at);
