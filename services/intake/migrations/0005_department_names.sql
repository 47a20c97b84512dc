-- The staff directory's department names, as customers read them on the timeline: intake's own
-- copy (refreshed by department_sync.h), so writing a timeline entry never calls the directory.
CREATE TABLE IF NOT EXISTS department_names (
  id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name VARCHAR(50) NOT NULL,
  -- the directory's updated_at of this copy: an older copy never replaces it
  directory_updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
