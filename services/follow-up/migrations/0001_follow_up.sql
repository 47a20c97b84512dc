-- One row per followed complaint: its cycle, tracker and progress-update cadence.
CREATE TABLE IF NOT EXISTS follow_ups (
  number VARCHAR(20) NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  cycle INT NOT NULL,
  department_id VARCHAR(64) NOT NULL DEFAULT '',
  owner_staff_id VARCHAR(32) NOT NULL DEFAULT '',
  tracker_staff_id VARCHAR(32) NOT NULL DEFAULT '',
  opened_at DATETIME(6) NOT NULL,
  -- When the customer was last informed, or the cycle (re)opened: what progress_due counts from.
  progress_anchor_at DATETIME(6) NULL,
  last_informed_at DATETIME(6) NULL,
  progress_due DATETIME(6) NULL,
  progress_due_provisional TINYINT(1) NOT NULL DEFAULT 0,
  progress_overdue TINYINT(1) NOT NULL DEFAULT 0,
  closed_at DATETIME(6) NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (number),
  KEY ix_follow_ups_progress_due (state, progress_overdue, progress_due),
  KEY ix_follow_ups_tracker (tracker_staff_id, state, progress_due)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every tracker a case had, and why.
CREATE TABLE IF NOT EXISTS tracker_history (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  tracker_staff_id VARCHAR(32) NOT NULL,
  how VARCHAR(16) NOT NULL,
  reason VARCHAR(500) NOT NULL DEFAULT '',
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_tracker_history_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every time the customer was informed: tracker updates and department contacts.
CREATE TABLE IF NOT EXISTS progress_updates (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  source VARCHAR(16) NOT NULL,
  staff_id VARCHAR(32) NOT NULL DEFAULT '',
  summary TEXT NOT NULL,
  due DATETIME(6) NULL,
  at DATETIME(6) NOT NULL,
  on_time TINYINT(1) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_progress_updates_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The callback of each cycle. status: 1 scheduled, 2 recorded, 3 cancelled.
CREATE TABLE IF NOT EXISTS callbacks (
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  status TINYINT UNSIGNED NOT NULL,
  assigned_agent_staff_id VARCHAR(32) NOT NULL DEFAULT '',
  resolved_at DATETIME(6) NOT NULL,
  due DATETIME(6) NOT NULL,
  due_provisional TINYINT(1) NOT NULL DEFAULT 0,
  overdue TINYINT(1) NOT NULL DEFAULT 0,
  -- SHA-256 (hex) of the questionnaire link's token; the token itself is never stored.
  token_sha256 CHAR(64) NULL,
  token_issued_at DATETIME(6) NULL,
  method TINYINT UNSIGNED NOT NULL DEFAULT 0,
  recorded_by_staff_id VARCHAR(32) NOT NULL DEFAULT '',
  satisfaction TINYINT NULL,
  comments TEXT NULL,
  suggestions TEXT NULL,
  recorded_at DATETIME(6) NULL,
  on_time TINYINT(1) NULL,
  unsatisfied TINYINT(1) NULL,
  PRIMARY KEY (number, cycle),
  UNIQUE KEY ux_callbacks_token (token_sha256),
  KEY ix_callbacks_due (status, overdue, due),
  KEY ix_callbacks_agent (assigned_agent_staff_id, status, due)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
