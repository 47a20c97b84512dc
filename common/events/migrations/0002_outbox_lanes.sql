-- Lanes: a relay claims one (partition, subscriber) at a time instead of a whole partition, so a
-- slow subscriber (one whose consumers queue on hot rows, say) never holds back the events of
-- another subscriber in the same partition. A relay adds the lanes of its subscribers when it
-- starts; outbox_partitions is no longer claimed.
CREATE TABLE IF NOT EXISTS outbox_lanes (
  partition_no SMALLINT UNSIGNED NOT NULL,
  subscriber VARCHAR(64) NOT NULL,
  PRIMARY KEY (partition_no, subscriber)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Finds the lanes with undelivered events without reading every undelivered row, and reads one
-- lane's due events in id order.
ALTER TABLE outbox ADD KEY IF NOT EXISTS ix_outbox_lane (delivered_at, partition_no, subscriber, id);
