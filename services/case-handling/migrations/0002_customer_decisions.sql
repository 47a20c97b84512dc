-- Signed-in customers record their own decisions on a solution: whose decision it was.
ALTER TABLE decisions
  ADD COLUMN IF NOT EXISTS decided_by_customer_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
    NOT NULL DEFAULT '' AFTER recorded_by_staff_id;
