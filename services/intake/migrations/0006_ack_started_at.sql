-- When the department in charge was asked to acknowledge (ComplaintRouted's routed_at, the
-- supervisor's assignment): with ack_due it tells the window routing gave the department, which
-- the timeline states when the acknowledgement is overdue. NULL when not known.
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS ack_started_at DATETIME(6) NULL;
