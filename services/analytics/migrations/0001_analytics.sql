-- One row per complaint, kept up to date from the other services' events.
CREATE TABLE IF NOT EXISTS complaint_facts (
  number VARCHAR(20) NOT NULL,
  -- yyyymm of receipt in Asia/Shanghai; NULL until ComplaintReceived arrives.
  month INT NULL,
  channel TINYINT UNSIGNED NOT NULL DEFAULT 0,
  stage TINYINT UNSIGNED NOT NULL DEFAULT 0,
  category TINYINT UNSIGNED NOT NULL DEFAULT 0,
  severity TINYINT UNSIGNED NOT NULL DEFAULT 0,
  project VARCHAR(200) NOT NULL DEFAULT '',
  department_id VARCHAR(64) NOT NULL DEFAULT '',
  received_at DATETIME(6) NULL,
  routed_at DATETIME(6) NULL,
  acknowledged_at DATETIME(6) NULL,
  first_solution_at DATETIME(6) NULL,
  resolved_at DATETIME(6) NULL,
  callback_at DATETIME(6) NULL,
  closed_at DATETIME(6) NULL,
  reopen_count INT NOT NULL DEFAULT 0,
  -- SLA outcomes: 0 unknown, 1 met, 2 missed (a miss is final).
  ack_sla TINYINT UNSIGNED NOT NULL DEFAULT 0,
  solution_sla TINYINT UNSIGNED NOT NULL DEFAULT 0,
  callback_sla TINYINT UNSIGNED NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT '2000-01-01 00:00:00',
  PRIMARY KEY (number),
  KEY ix_complaint_facts_month (month, project, category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Satisfaction of each callback cycle.
CREATE TABLE IF NOT EXISTS complaint_satisfaction (
  number VARCHAR(20) NOT NULL,
  cycle INT NOT NULL,
  score TINYINT NOT NULL,
  PRIMARY KEY (number, cycle)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Complaints per (month, dimension, value), changed in the same transaction as the facts.
CREATE TABLE IF NOT EXISTS monthly_counts (
  month INT NOT NULL,
  dimension VARCHAR(32) NOT NULL,
  value VARCHAR(300) NOT NULL,
  count BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, dimension, value),
  KEY ix_monthly_counts_trend (dimension, value, month)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Spike alerts, once per (month, dimension, value).
CREATE TABLE IF NOT EXISTS spike_alerts (
  month INT NOT NULL,
  dimension VARCHAR(32) NOT NULL,
  value VARCHAR(300) NOT NULL,
  count BIGINT NOT NULL,
  trailing_mean DOUBLE NOT NULL,
  trailing_stddev DOUBLE NOT NULL,
  threshold DOUBLE NOT NULL,
  detected_at DATETIME(6) NOT NULL,
  PRIMARY KEY (month, dimension, value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
