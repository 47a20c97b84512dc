-- The customer's account (the id in their sign-in token) beside the contact details: a customer
-- reads and lists only complaints of their own account. Empty for complaints without one.
ALTER TABLE complaints
  ADD COLUMN IF NOT EXISTS customer_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  ADD KEY IF NOT EXISTS ix_complaints_customer (customer_id, id);
