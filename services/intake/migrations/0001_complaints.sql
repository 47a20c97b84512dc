-- Intake's schema: complaints as the customer told them, their customer-facing status and
-- timeline, and the per-month counters behind complaint numbers.
-- Text columns are utf8mb4 with a binary collation: text comes back byte for byte and filters
-- compare exactly. Enum columns hold the proto enum numbers (complaints.common.v1 and
-- complaints.intake.v1), which are never reused. Times are UTC.

CREATE TABLE IF NOT EXISTS complaints (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- TS-YYYYMM-NNNNNN (the counter may grow a digit in an extraordinary month)
  number VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- the client's idempotency key and a SHA-256 of the canonical input it came with
  request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  input_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  customer_name VARCHAR(50) NOT NULL,
  customer_phone VARCHAR(32) NOT NULL,
  -- the phone without separators or +86, for lookups however it was written
  customer_phone_key VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  customer_email VARCHAR(254) NOT NULL,
  project VARCHAR(100) NOT NULL,
  building VARCHAR(50) NOT NULL,
  unit VARCHAR(50) NOT NULL,
  description TEXT NOT NULL,
  occurred_at DATETIME(6) NOT NULL,
  severity TINYINT UNSIGNED NOT NULL,
  expected_resolution TEXT NOT NULL,
  channel TINYINT UNSIGNED NOT NULL,
  journey_stage TINYINT UNSIGNED NOT NULL,
  recorded_by_staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  staff_category TINYINT UNSIGNED NOT NULL,
  -- where it stands, as the other services' events tell it
  status TINYINT UNSIGNED NOT NULL,
  category TINYINT UNSIGNED NOT NULL,
  department_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  owner_staff_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  ack_due DATETIME(6) NULL,
  solution_due DATETIME(6) NULL,
  received_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_complaints_number (number),
  UNIQUE KEY uq_complaints_request_id (request_id),
  -- list filters; each ends with id so a filtered page is read newest first from the index
  KEY ix_complaints_phone (customer_phone_key, id),
  KEY ix_complaints_project (project, id),
  KEY ix_complaints_status (status, id),
  KEY ix_complaints_channel (channel, id),
  KEY ix_complaints_received_at (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What the customer sees happen, in the order it reached the record (the order the status
-- changed in): clocks of different services may disagree, the order of arrival does not.
CREATE TABLE IF NOT EXISTS complaint_timeline (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  complaint_id BIGINT UNSIGNED NOT NULL,
  occurred_at DATETIME(6) NOT NULL,
  event_type TINYINT UNSIGNED NOT NULL,
  summary VARCHAR(500) NOT NULL,
  actor_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  department_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  -- the event that caused the entry (none for "received"), for tracing
  source_event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  PRIMARY KEY (id),
  KEY ix_timeline_complaint (complaint_id, id),
  CONSTRAINT fk_timeline_complaint FOREIGN KEY (complaint_id) REFERENCES complaints (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One counter per month of receipt (Asia/Shanghai), shared by every replica. Bumped with
-- LAST_INSERT_ID(last_value + 1) in a transaction of its own, so the row is locked only briefly.
CREATE TABLE IF NOT EXISTS complaint_number_sequences (
  month CHAR(6) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  last_value BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (month)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
