-- One row per (event, recipient): what an event means for one person, before it is sent.
-- `variables` holds what the event supplied (JSON object of strings). Once planned, the customer's
-- keys (account id, SHA-256 of their mobile) let them list their notices in the app.
CREATE TABLE IF NOT EXISTS notices (
  id BIGINT NOT NULL AUTO_INCREMENT,
  event_id VARCHAR(64) NOT NULL,
  number VARCHAR(32) NOT NULL,
  kind VARCHAR(40) NOT NULL,
  recipient VARCHAR(100) NOT NULL,
  variables MEDIUMTEXT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  planned_at DATETIME(6) NULL,
  -- When planning is tried next: a recipient that cannot be resolved (intake or the directory
  -- down) waits with a growing delay instead of holding back the notices behind it.
  next_plan_at DATETIME(6) NOT NULL,
  plan_attempts INT NOT NULL DEFAULT 0,
  customer_id VARCHAR(64) NULL,
  phone_key CHAR(64) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_notices_event_recipient (event_id, recipient),
  KEY ix_notices_unplanned (planned_at, next_plan_at),
  KEY ix_notices_customer (customer_id, id),
  KEY ix_notices_phone (phone_key, id),
  KEY ix_notices_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per (notice, channel), hence one message per (event, recipient, channel) whatever
-- retries, replicas and restarts do. Its id is the idempotency key the provider receives.
-- `address` and the rendered text are personal data: removed with the row at retention.
CREATE TABLE IF NOT EXISTS deliveries (
  id BIGINT NOT NULL AUTO_INCREMENT,
  notice_id BIGINT NOT NULL,
  channel VARCHAR(16) NOT NULL,
  state VARCHAR(16) NOT NULL,
  suppressed_reason VARCHAR(32) NOT NULL DEFAULT '',
  address VARCHAR(512) NOT NULL,
  recipient_name VARCHAR(200) NOT NULL DEFAULT '',
  subject VARCHAR(1000) NOT NULL DEFAULT '',
  body MEDIUMTEXT NOT NULL,
  provider_template VARCHAR(64) NOT NULL DEFAULT '',
  provider_params MEDIUMTEXT NOT NULL,
  essential TINYINT NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  -- The attempts whose outcome was recorded. Fewer than `attempts` when a sender died (or its
  -- lease ran out) after handing the message over: that attempt is in doubt, and an SMS is looked
  -- up at the provider by its OutId before it is sent again.
  settled_attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(6) NOT NULL,
  last_error VARCHAR(200) NOT NULL DEFAULT '',
  provider_id VARCHAR(200) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  sent_at DATETIME(6) NULL,
  receipt VARCHAR(16) NOT NULL DEFAULT '',
  receipt_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_deliveries_notice_channel (notice_id, channel),
  KEY ix_deliveries_due (channel, state, next_attempt_at),
  KEY ix_deliveries_receipts (channel, state, receipt, sent_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A customer's choices, by the SHA-256 of their mobile number (no phone number is stored here).
CREATE TABLE IF NOT EXISTS preferences (
  phone_key CHAR(64) NOT NULL,
  sms TINYINT NOT NULL,
  email TINYINT NOT NULL,
  essential_only TINYINT NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (phone_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
