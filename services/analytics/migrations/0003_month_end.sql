-- Filtered monthly summaries scan only the matching facts of the month.
ALTER TABLE complaint_facts
  ADD KEY ix_complaint_facts_month_department (month, department_id),
  ADD KEY ix_complaint_facts_month_category (month, category);

-- Months the month-end job has closed (spike check run, report generated and stored), so each
-- month is closed once; the job's steps are idempotent, so a replica racing another is harmless.
CREATE TABLE IF NOT EXISTS month_end_runs (
  month INT NOT NULL,
  spike_alerts INT NOT NULL,
  completed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (month)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
