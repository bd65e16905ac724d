-- 5: follow-ups on Hangfire — the id of the Hangfire job that times each follow-up, to cancel it and to find the rows whose job is gone.
ALTER TABLE follow_ups ADD COLUMN hangfire_job_id TEXT;
