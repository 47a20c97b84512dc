-- Routing rules (§5): each category to its responsible department. Safe to load twice: an existing
-- rule (perhaps changed through UpsertRoutingRule) is kept as it is.
INSERT INTO routing_rules (category, project, department_id, updated_at) VALUES
  (1, '', 'engineering', UTC_TIMESTAMP(6)),
  (2, '', 'sales', UTC_TIMESTAMP(6)),
  (3, '', 'handover', UTC_TIMESTAMP(6)),
  (4, '', 'property-management', UTC_TIMESTAMP(6))
ON DUPLICATE KEY UPDATE category = category;
