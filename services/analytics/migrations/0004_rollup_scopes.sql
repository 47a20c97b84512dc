-- Rollups per scope: '' is the whole month; 'project:<name>', 'category:<name>' and
-- 'department:<id>' hold the same figures for one value, so a summary filtered by one of them
-- reads rollups instead of scanning the month's facts.
ALTER TABLE monthly_counts
  ADD COLUMN scope VARCHAR(300) NOT NULL DEFAULT '' AFTER month,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (month, scope, dimension, value),
  DROP KEY ix_monthly_counts_trend,
  ADD KEY ix_monthly_counts_trend (scope, dimension, value, month);
