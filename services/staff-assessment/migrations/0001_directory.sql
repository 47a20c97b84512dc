-- The staff directory (§9, §10): departments and the staff who take, route, handle, track and
-- analyse complaints. Rows are never deleted (active = 0 instead), so history keeps its people.
--
-- Ids are ASCII with a binary collation: "S0001" and "s0001" can never be two rows, and
-- ORDER BY id is byte order, which the list calls' page tokens rely on. Enum columns hold the
-- storage names fixed in domain/directory.cc; the CHECK constraints keep anything else out, seed
-- files included (a new role or kind needs a migration that widens them).

CREATE TABLE IF NOT EXISTS departments (
  id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  kind VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- No foreign key: a department and its supervisor refer to each other. The service checks it.
  supervisor_staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  active BOOLEAN NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_departments_kind (kind, active, id),
  KEY ix_departments_supervisor (supervisor_staff_id),
  CONSTRAINT ck_departments_kind CHECK (kind IN ('ENGINEERING_QUALITY', 'SALES', 'HANDOVER',
    'PROPERTY_MANAGEMENT', 'CUSTOMER_SERVICE'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS staff (
  id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  phone VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  role VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  department_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  active BOOLEAN NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  -- The list filters: by department (and role), and by role across departments.
  KEY ix_staff_department (department_id, role, active, id),
  KEY ix_staff_role (role, active, id),
  CONSTRAINT fk_staff_department FOREIGN KEY (department_id) REFERENCES departments (id),
  CONSTRAINT ck_staff_role CHECK (role IN ('HOTLINE_AGENT', 'RECEPTION', 'COORDINATOR',
    'HANDLER', 'ENGINEER', 'SUPERVISOR', 'TRACKER', 'CALLBACK_AGENT', 'ANALYST'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
