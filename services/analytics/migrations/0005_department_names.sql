-- Department names from the staff directory's DepartmentUpserted events, so the monthly report
-- names departments rather than printing their ids.
CREATE TABLE IF NOT EXISTS department_names (
  department_id VARCHAR(64) NOT NULL,
  name VARCHAR(100) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (department_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
