-- The monthly management reports (§8), one per month; generating again replaces it.
CREATE TABLE IF NOT EXISTS monthly_reports (
  month INT NOT NULL,
  html MEDIUMTEXT NOT NULL,
  json MEDIUMTEXT NOT NULL,
  generated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (month)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
