-- One account per mobile number, created on its first sign-in.
CREATE TABLE IF NOT EXISTS accounts (
  id CHAR(21) NOT NULL,
  phone CHAR(11) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  last_sign_in_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_accounts_phone (phone)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The newest sign-in code of each number (a new code replaces the row). Only its HMAC is kept.
CREATE TABLE IF NOT EXISTS sign_in_codes (
  phone CHAR(11) NOT NULL,
  code_hash CHAR(64) NOT NULL,
  sent_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  used_at DATETIME(6) NULL,
  PRIMARY KEY (phone),
  KEY ix_sign_in_codes_sent_at (sent_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Codes sent per number (per day) and per client address (per window), one row per window. The
-- row of the current window is also the lock that serialises sends to one number or address.
CREATE TABLE IF NOT EXISTS send_counters (
  scope VARCHAR(16) NOT NULL,
  subject VARCHAR(128) NOT NULL,
  window_start DATETIME(6) NOT NULL,
  window_end DATETIME(6) NOT NULL,
  sends INT NOT NULL,
  PRIMARY KEY (scope, subject, window_start),
  KEY ix_send_counters_window_end (window_end)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Refresh tokens, by their SHA-256. A family is one sign-in and every token traded from it:
-- a traded token presented again revokes the whole family.
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash CHAR(64) NOT NULL,
  family_id CHAR(32) NOT NULL,
  account_id CHAR(21) NOT NULL,
  issued_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  rotated_at DATETIME(6) NULL,
  revoked_at DATETIME(6) NULL,
  PRIMARY KEY (token_hash),
  KEY ix_refresh_tokens_family (family_id),
  KEY ix_refresh_tokens_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
