-- Routing rules: category (and optionally project) -> responsible department.
CREATE TABLE IF NOT EXISTS routing_rules (
  category TINYINT UNSIGNED NOT NULL,
  project VARCHAR(100) NOT NULL DEFAULT '',
  department_id VARCHAR(64) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (category, project)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per complaint: where it is now. `version` guards against lost updates.
CREATE TABLE IF NOT EXISTS assignments (
  number VARCHAR(20) NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  category TINYINT UNSIGNED NOT NULL,
  category_source VARCHAR(16) NOT NULL,
  confidence DOUBLE NOT NULL,
  ranking VARCHAR(32) NOT NULL,
  severity TINYINT UNSIGNED NOT NULL,
  channel TINYINT UNSIGNED NOT NULL,
  journey_stage TINYINT UNSIGNED NOT NULL,
  project VARCHAR(100) NOT NULL,
  department_id VARCHAR(64) NULL,
  assisting_department_ids VARCHAR(512) NOT NULL DEFAULT '',
  owner_staff_id VARCHAR(32) NULL,
  complex TINYINT(1) NOT NULL DEFAULT 0,
  received_at DATETIME(6) NOT NULL,
  routed_at DATETIME(6) NULL,
  ack_due DATETIME(6) NULL,
  acknowledged_at DATETIME(6) NULL,
  ack_on_time TINYINT(1) NULL,
  escalated TINYINT(1) NOT NULL DEFAULT 0,
  supervisor_reason VARCHAR(32) NOT NULL DEFAULT '',
  bounces INT NOT NULL DEFAULT 0,
  hop INT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (number),
  KEY ix_assignments_due (state, escalated, ack_due),
  KEY ix_assignments_department (state, department_id, ack_due),
  KEY ix_assignments_supervisor (state, updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every step of every complaint's path, kept for good.
CREATE TABLE IF NOT EXISTS hops (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number VARCHAR(20) NOT NULL,
  hop INT NOT NULL,
  action VARCHAR(32) NOT NULL,
  department_id VARCHAR(64) NOT NULL DEFAULT '',
  staff_id VARCHAR(32) NOT NULL DEFAULT '',
  reason VARCHAR(500) NOT NULL DEFAULT '',
  at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_hops_number (number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
