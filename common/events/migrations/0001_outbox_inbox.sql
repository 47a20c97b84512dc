-- The outbox: one row per (event, subscriber), written in the same transaction as the change the
-- event reports. A relay delivers rows in id order per partition; partition = hash(aggregate), so
-- the events of one complaint stay in order for each subscriber.
CREATE TABLE IF NOT EXISTS outbox (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id CHAR(36) NOT NULL,
  subscriber VARCHAR(64) NOT NULL,
  partition_no SMALLINT UNSIGNED NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  envelope MEDIUMBLOB NOT NULL,
  created_at DATETIME(6) NOT NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(6) NULL,
  last_error VARCHAR(255) NULL,
  delivered_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_outbox_event_subscriber (event_id, subscriber),
  KEY ix_outbox_pending (partition_no, delivered_at, id),
  KEY ix_outbox_backlog (delivered_at, subscriber, created_at),
  -- finds an earlier row of the same complaint and subscriber that is waiting out its backoff
  KEY ix_outbox_chain (aggregate_id, subscriber, delivered_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per partition: a relay holds a row lock on it (FOR UPDATE SKIP LOCKED) while it
-- delivers that partition's batch, so two relays never deliver the same events at once.
CREATE TABLE IF NOT EXISTS outbox_partitions (
  partition_no SMALLINT UNSIGNED NOT NULL,
  PRIMARY KEY (partition_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT IGNORE INTO outbox_partitions (partition_no) VALUES
  (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15);

-- The inbox: every event this service has applied, recorded in the same transaction as its
-- effect, so a repeated delivery is a no-op.
CREATE TABLE IF NOT EXISTS inbox (
  event_id CHAR(36) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  producer VARCHAR(64) NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  received_at DATETIME(6) NOT NULL,
  PRIMARY KEY (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
