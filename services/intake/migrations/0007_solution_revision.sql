-- The revision of the solution shown to the customer, which they send back with their decision
-- (case-handling refuses a decision on an outdated revision). 0 while no solution stands, and for
-- solutions proposed before this column existed.
ALTER TABLE complaints
  ADD COLUMN IF NOT EXISTS solution_revision INT NOT NULL DEFAULT 0 AFTER solution;
