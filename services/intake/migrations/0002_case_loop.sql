-- The whole loop on the customer's record: case handling (§6) and follow-up (§7) as their events
-- tell it. Every column has a default, so complaints recorded before this migration read as "not
-- yet handled". Times are UTC; text is what the departments wrote for the customer.

ALTER TABLE complaints
  -- 0 until case handling opens the case; 1, 2.. one per handling cycle (a reopen starts one)
  ADD COLUMN cycle INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN solution_due_provisional BOOLEAN NOT NULL DEFAULT FALSE,
  -- the solution deadline an extension replaced (the first one); NULL when not extended
  ADD COLUMN original_solution_due DATETIME(6) NULL,
  -- the current cycle's latest proposed solution and its planned completion
  ADD COLUMN solution TEXT NOT NULL DEFAULT '',
  ADD COLUMN planned_completion DATETIME(6) NULL,
  -- the result reported on resolution
  ADD COLUMN resolution TEXT NOT NULL DEFAULT '',
  ADD COLUMN tracker_staff_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  -- the pending callback; NULL when none is pending
  ADD COLUMN callback_due DATETIME(6) NULL,
  ADD COLUMN callback_due_provisional BOOLEAN NOT NULL DEFAULT FALSE,
  -- the latest callback's satisfaction, 1..5; 0 = none yet
  ADD COLUMN satisfaction TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN closed_at DATETIME(6) NULL;
