-- Request counters behind the edge's rate limits, one row per (bucket, minute).
-- ENGINE=MEMORY: counters need no durability (losing them on a database restart only resets the
-- current minute), so no fsync per request; every gateway replica shares the one table, so the
-- limits hold across replicas. MariaDB already runs for the suite: no new stateful component.
-- bucket is "a:<client address>" or "c:<token subject>"; window_start is the Unix minute.
CREATE TABLE IF NOT EXISTS rate_limit_hits (
  bucket VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  window_start BIGINT NOT NULL,
  hits INT UNSIGNED NOT NULL,
  PRIMARY KEY (bucket, window_start) USING HASH,
  KEY by_window (window_start) USING BTREE
) ENGINE=MEMORY;
