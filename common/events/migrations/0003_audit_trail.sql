-- The audit trail: one row per state change (every event this service appends to its outbox,
-- written in the same transaction) and per explicit entry (audit::Record, e.g. a read of personal
-- data). Ids, states and verbs only: never names, phones, emails or complaint text.
CREATE TABLE IF NOT EXISTS audit_trail (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- by the service's injected clock, UTC, microseconds
  occurred_at DATETIME(6) NOT NULL,
  -- auth::Caller::Describe() ("staff:S0001", "customer:C42", "service:routing", "unrestricted"),
  -- or "system:<timer>" for a timer's pass
  actor VARCHAR(96) NOT NULL,
  -- the event type ("ComplaintReceived") or an explicit verb ("read_personal_data")
  action VARCHAR(64) NOT NULL,
  -- complaint number, case id, staff id: what GetAuditTrail looks up
  subject VARCHAR(64) NOT NULL,
  from_state VARCHAR(64) NOT NULL DEFAULT '',
  to_state VARCHAR(64) NOT NULL DEFAULT '',
  detail VARCHAR(255) NOT NULL DEFAULT '',
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY ix_audit_trail_subject (subject, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Append-only: the runtime user cannot change or remove a row through UPDATE, DELETE, REPLACE or
-- INSERT ... ON DUPLICATE KEY UPDATE. (A user with TRIGGER, DROP or ALTER can still drop these
-- triggers or TRUNCATE the table: see docs/security.md.)
CREATE TRIGGER IF NOT EXISTS audit_trail_no_update BEFORE UPDATE ON audit_trail FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_trail is append-only: UPDATE refused';
CREATE TRIGGER IF NOT EXISTS audit_trail_no_delete BEFORE DELETE ON audit_trail FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_trail is append-only: DELETE refused';
