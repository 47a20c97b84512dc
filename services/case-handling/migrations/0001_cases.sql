-- One row per case (complaint number): where it is now and the solution deadline in force.
-- Every change locks this row first (SELECT ... FOR UPDATE), so updates of one case never
-- interleave; the deadline timer claims rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE IF NOT EXISTS cases (
  number VARCHAR(20) NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  cycle INT NOT NULL,
  revision INT NOT NULL DEFAULT 0,
  department_id VARCHAR(64) NOT NULL,
  owner_staff_id VARCHAR(32) NOT NULL,
  assisting_department_ids VARCHAR(512) NOT NULL DEFAULT '',
  category TINYINT UNSIGNED NOT NULL,
  severity TINYINT UNSIGNED NOT NULL,
  complex TINYINT(1) NOT NULL DEFAULT 0,
  has_inspection_report TINYINT(1) NOT NULL DEFAULT 0,
  solution_due DATETIME(6) NOT NULL,
  solution_due_provisional TINYINT(1) NOT NULL DEFAULT 0,
  deadline_missed TINYINT(1) NOT NULL DEFAULT 0,
  acknowledged_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  closed_at DATETIME(6) NULL,
  PRIMARY KEY (number),
  KEY ix_cases_due (state, deadline_missed, solution_due),
  KEY ix_cases_department (department_id, number),
  KEY ix_cases_owner (owner_staff_id, number),
  KEY ix_cases_state (state, number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per cycle: 1 from the acknowledgement, 2.. after each reopen.
CREATE TABLE IF NOT EXISTS cycles (
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  opened_at DATETIME(6) NOT NULL,
  opened_by VARCHAR(16) NOT NULL,
  reopen_satisfaction INT NOT NULL DEFAULT 0,
  resolved_at DATETIME(6) NULL,
  resolved_by_staff_id VARCHAR(32) NOT NULL DEFAULT '',
  result TEXT NULL,
  PRIMARY KEY (number, cycle)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every solution deadline ever set (initial, revision, extension), so the original and the
-- extended one are both kept; missed_at marks the one the timer found passed.
CREATE TABLE IF NOT EXISTS deadlines (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  due DATETIME(6) NOT NULL,
  provisional TINYINT(1) NOT NULL DEFAULT 0,
  set_at DATETIME(6) NOT NULL,
  staff_id VARCHAR(32) NOT NULL DEFAULT '',
  reason TEXT NULL,
  missed_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY ix_deadlines_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS investigation_entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  author_staff_id VARCHAR(32) NOT NULL,
  note TEXT NOT NULL,
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_investigation_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS inspection_reports (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  inspector_staff_id VARCHAR(32) NOT NULL,
  cause TEXT NOT NULL,
  severity TINYINT UNSIGNED NOT NULL,
  findings TEXT NOT NULL,
  recommended_repair TEXT NOT NULL,
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_inspection_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- References only (URI, media type, SHA-256), never the bytes. owner_kind: 1 investigation
-- entry, 2 inspection report.
CREATE TABLE IF NOT EXISTS attachments (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  owner_kind TINYINT UNSIGNED NOT NULL,
  owner_id BIGINT UNSIGNED NOT NULL,
  uri VARCHAR(2048) NOT NULL,
  media_type VARCHAR(127) NOT NULL,
  sha256 CHAR(64) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_attachments_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS contacts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  staff_id VARCHAR(32) NOT NULL,
  channel TINYINT UNSIGNED NOT NULL,
  purpose TINYINT UNSIGNED NOT NULL,
  summary TEXT NOT NULL,
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_contacts_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- planned_actions: one action per line (each is validated to hold no line break).
CREATE TABLE IF NOT EXISTS solutions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  revision INT NOT NULL,
  staff_id VARCHAR(32) NOT NULL,
  owner_staff_id VARCHAR(32) NOT NULL,
  solution TEXT NOT NULL,
  planned_actions TEXT NOT NULL,
  planned_completion DATETIME(6) NOT NULL,
  proposed_at DATETIME(6) NOT NULL,
  due DATETIME(6) NOT NULL,
  on_time TINYINT(1) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_solutions_revision (number, cycle, revision)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS decisions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  revision INT NOT NULL,
  decision TINYINT UNSIGNED NOT NULL,
  reason TEXT NOT NULL,
  recorded_by_staff_id VARCHAR(32) NOT NULL DEFAULT '',
  at DATETIME(6) NOT NULL,
  revised_solution_due DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_decisions_revision (number, cycle, revision)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS implementation_notes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  staff_id VARCHAR(32) NOT NULL,
  note TEXT NOT NULL,
  plan_changed TINYINT(1) NOT NULL DEFAULT 0,
  customer_explanation TEXT NOT NULL,
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_implementation_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
