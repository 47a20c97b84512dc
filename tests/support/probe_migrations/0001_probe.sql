CREATE TABLE IF NOT EXISTS notes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  aggregate_id VARCHAR(64) NOT NULL,
  seq BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- What the consumer applied, in arrival order. No unique key on purpose: a doubled effect must
-- show up as two rows, not as an error.
CREATE TABLE IF NOT EXISTS received (
  arrival BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id CHAR(36) NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  seq BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Not re-runnable on purpose: one row per application of this file, so a test can prove the
-- runner applied it exactly once even when several processes start together.
CREATE TABLE IF NOT EXISTS migration_runs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY
) ENGINE=InnoDB;
INSERT INTO migration_runs () VALUES ();
