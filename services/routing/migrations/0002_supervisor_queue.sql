-- The supervisor queue's clock: when a complaint entered the queue, by when a supervisor must
-- decide (SUPERVISOR_WINDOW), and whether the complaint office manager was alerted for this stay.
ALTER TABLE assignments
  ADD COLUMN IF NOT EXISTS queued_at DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS queue_due DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS queue_escalated TINYINT(1) NOT NULL DEFAULT 0,
  ADD INDEX IF NOT EXISTS ix_assignments_queue_due (state, queue_escalated, queue_due);

-- Complaints already waiting (state 2, WITH_SUPERVISOR) get the default hour from their last
-- change, so that none waits unwatched after the upgrade.
UPDATE assignments SET queued_at = updated_at, queue_due = updated_at + INTERVAL 1 HOUR
  WHERE state = 2 AND queue_due IS NULL;
