-- Retention (PIPL, docs/security.md): when a closed complaint's customer data was anonymised by
-- the retention job (services/intake/retention.h); NULL while the name, phone and email are kept.
-- IF NOT EXISTS: safe to apply again over a schema that already has them.

ALTER TABLE complaints
  ADD COLUMN IF NOT EXISTS anonymised_at DATETIME(6) NULL,
  -- the job's selection: not yet anonymised, closed long enough ago
  ADD INDEX IF NOT EXISTS ix_complaints_retention (anonymised_at, closed_at);
