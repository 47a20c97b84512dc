-- Training (§9.1), the quarterly assessment (§9.2) and accountability (§10). No foreign keys to
-- staff: the events name whoever acted, in the directory or not, and the directory's tests clear
-- it freely.

CREATE TABLE IF NOT EXISTS training_courses (
  id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  title VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  topic VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  target_role VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  hours DOUBLE NOT NULL,
  PRIMARY KEY (id),
  KEY ix_training_courses_role (target_role, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One plan per role: the targeted training of someone below the bar.
CREATE TABLE IF NOT EXISTS training_plans (
  id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  role VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_training_plans_role (role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS training_plan_courses (
  plan_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  position INT NOT NULL,
  course_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (plan_id, position),
  CONSTRAINT fk_plan_courses_plan FOREIGN KEY (plan_id) REFERENCES training_plans (id),
  CONSTRAINT fk_plan_courses_course FOREIGN KEY (course_id) REFERENCES training_courses (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS training_enrolments (
  staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  course_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  plan_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  reason VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  assessment_quarter VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NULL,
  enrolled_at DATETIME(6) NOT NULL,
  completed_at DATETIME(6) NULL,
  result VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NULL,
  PRIMARY KEY (staff_id, course_id),
  CONSTRAINT fk_enrolments_course FOREIGN KEY (course_id) REFERENCES training_courses (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who did what on which complaint, one row per relevant event, as the events told it. The
-- assessment is computed from these rows and each figure points back at them.
--   role: HANDLER (the owner), TRACKER, CALLBACK_AGENT, or '' (the event names no person)
--   sla: '', acknowledgement, solution, progress_update, callback; due and met go with it
--   kind: touch, sla, satisfaction, resolved, reopened
CREATE TABLE IF NOT EXISTS activity (
  event_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_type VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  number VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  at DATETIME(6) NOT NULL,
  staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  role VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  department_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  sla VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  due DATETIME(6) NULL,
  met BOOLEAN NULL,
  satisfaction INT NOT NULL,
  resolved BOOLEAN NOT NULL,
  reopened BOOLEAN NOT NULL,
  PRIMARY KEY (event_id),
  KEY ix_activity_number (number, at),
  KEY ix_activity_at (at),
  KEY ix_activity_due (due)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the assessment needs to know of a complaint beyond the rows above.
CREATE TABLE IF NOT EXISTS complaint_facts (
  number VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  category INT NOT NULL,
  department_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner_staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS assessment_runs (
  year INT NOT NULL,
  quarter INT NOT NULL,
  run_number INT NOT NULL,
  people INT NOT NULL,
  weight_timeliness DOUBLE NOT NULL,
  weight_satisfaction DOUBLE NOT NULL,
  weight_effectiveness DOUBLE NOT NULL,
  excellent_threshold DOUBLE NOT NULL,
  pass_threshold DOUBLE NOT NULL,
  ran_at DATETIME(6) NOT NULL,
  PRIMARY KEY (year, quarter)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS assessments (
  year INT NOT NULL,
  quarter INT NOT NULL,
  staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  department_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  role VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  cases_touched INT NOT NULL,
  sla_checks INT NOT NULL,
  sla_met INT NOT NULL,
  satisfaction_responses INT NOT NULL,
  satisfaction_sum INT NOT NULL,
  cases_resolved INT NOT NULL,
  resolved_without_reopening INT NOT NULL,
  score DOUBLE NOT NULL,
  grade VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  enrolled_plan_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  run_number INT NOT NULL,
  computed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (year, quarter, staff_id),
  KEY ix_assessments_department (year, quarter, department_id, staff_id),
  KEY ix_assessments_grade (year, quarter, grade, staff_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The facts behind each assessment, stored with it so the explanation matches the figures even
-- when later events arrive.
CREATE TABLE IF NOT EXISTS assessment_evidence (
  id BIGINT NOT NULL AUTO_INCREMENT,
  year INT NOT NULL,
  quarter INT NOT NULL,
  staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  number VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  sla VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  met BOOLEAN NOT NULL,
  satisfaction INT NOT NULL,
  at DATETIME(6) NOT NULL,
  events TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (id),
  KEY ix_evidence_person (year, quarter, staff_id, number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS accountability_suggestions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  number VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  department_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  cause VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  severity VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  rule VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  reason VARCHAR(300) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  event VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  suggested_at DATETIME(6) NOT NULL,
  record_id BIGINT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_suggestions_event (event),
  KEY ix_suggestions_pending (record_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS accountability_records (
  id BIGINT NOT NULL AUTO_INCREMENT,
  number VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  department_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  cause VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  severity VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  measure VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  decided_by_staff_id VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  decided_at DATETIME(6) NOT NULL,
  note VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  suggestion_id BIGINT NULL,
  recorded_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_records_suggestion (suggestion_id),
  KEY ix_records_staff (staff_id, decided_at),
  KEY ix_records_department (department_id, decided_at),
  KEY ix_records_number (number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
