// Journeys under one global filter dimension (issue 16): the Sankey for a filter change answered
// from rollups, p95 under 100 ms at a million leads, with medians still exact.
//
// Before this, a range with a dimension filter (a source, a temperature, an owner, statuses) read
// every row of lead_journeys in the range (0.3–0.6 s at a million leads), and each unfiltered
// median read all the rows of its bucket into JavaScript. Now:
//
// - `journey_dim_days` counts the rows by filter value as journey_days counts them all: by
//   dimension (1 source, 2 segment, 3 city, 4 temperature, 5 owner, 6 status), value, day, edge and
//   duration bucket. A filter on one dimension (any list of its values) sums its histograms; the
//   dimensions have a few values each (the demo's 31 in all), so this is about 15 rows per row of
//   journey_days per dimension. Filters on two dimensions or more still read the rows.
// - Each row carries its lead's current `status` (the status filter is the lead's status now, not
//   the stage the row entered): copied in by the journeys' row hook whenever the lead's status
//   changes, and counted out of one value and into the other by the status trigger below.
// - `lead_journeys_median` orders an edge's rows by duration, with the creation time and the
//   filter columns alongside: the k-th duration of a bucket is one ordered walk of that bucket's
//   stretch of the index (`ORDER BY duration_ms LIMIT 1 OFFSET k`, rows outside the range or the
//   filter skipped) that never reads the table. Keyed on duration, not on the generated `bucket`:
//   SQLite reads a generated column from the table, never from an index, so lead_journeys_edge
//   (015) looked every row of the bucket up (25,000 lookups, 50-80 ms CPU, for a year's median).
//   The status is left out: it changes with every stage change and would move the lead's entries;
//   a status filter looks up the rows that pass the others.
//
// A cache holding journeys gets the status copied and the dimension counts filled here, in SQL
// (once, seconds at a million leads), so its observed history is kept; a cache whose journeys
// are not current fills both at its next rebuild.
export default /* sql */ `
ALTER TABLE lead_journeys ADD COLUMN status TEXT NOT NULL DEFAULT '';
UPDATE lead_journeys SET status = coalesce((SELECT l.status FROM leads l WHERE l.id = lead_id), '');

DROP INDEX lead_journeys_edge;
CREATE INDEX lead_journeys_median
  ON lead_journeys (from_stage, to_stage, duration_ms, created_at,
    source, segment, city, temperature, owner)
  WHERE from_stage IS NOT NULL;

CREATE TABLE journey_dim_days (
  dim INTEGER NOT NULL CHECK (dim BETWEEN 1 AND 6),
  value TEXT NOT NULL,
  day INTEGER NOT NULL,
  edge INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (dim, value, day, edge, bucket)
) WITHOUT ROWID;

INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count)
SELECT d.dim, CASE d.dim WHEN 1 THEN j.source WHEN 2 THEN j.segment WHEN 3 THEN j.city
    WHEN 4 THEN j.temperature WHEN 5 THEN j.owner ELSE j.status END,
  j.day, j.edge, coalesce(j.bucket, 0), count(*)
FROM lead_journeys j, (SELECT 1 AS dim UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
  UNION ALL SELECT 5 UNION ALL SELECT 6) d
WHERE (SELECT valid FROM journey_state WHERE id = 1) = 1
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER lead_journeys_dims_insert AFTER INSERT ON lead_journeys
WHEN (SELECT valid FROM journey_state WHERE id = 1) = 1
BEGIN
  INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count)
  SELECT dim, value, NEW.day, NEW.edge, coalesce(NEW.bucket, 0), 1
  FROM (SELECT 1 AS dim, NEW.source AS value UNION ALL SELECT 2, NEW.segment
    UNION ALL SELECT 3, NEW.city UNION ALL SELECT 4, NEW.temperature
    UNION ALL SELECT 5, NEW.owner UNION ALL SELECT 6, NEW.status) WHERE true
  ON CONFLICT (dim, value, day, edge, bucket) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER lead_journeys_dims_delete AFTER DELETE ON lead_journeys
WHEN (SELECT valid FROM journey_state WHERE id = 1) = 1
BEGIN
  INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count)
  SELECT dim, value, OLD.day, OLD.edge, coalesce(OLD.bucket, 0), -1
  FROM (SELECT 1 AS dim, OLD.source AS value UNION ALL SELECT 2, OLD.segment
    UNION ALL SELECT 3, OLD.city UNION ALL SELECT 4, OLD.temperature
    UNION ALL SELECT 5, OLD.owner UNION ALL SELECT 6, OLD.status) WHERE true
  ON CONFLICT (dim, value, day, edge, bucket) DO UPDATE SET count = count - 1;
END;

-- A lead moved (created_at) or changed a filter value: its rows leave every old cell for the new.
CREATE TRIGGER lead_journeys_dims_move AFTER UPDATE OF created_at, source, segment, city, temperature, owner, status
ON lead_journeys
WHEN (SELECT valid FROM journey_state WHERE id = 1) = 1
  AND (OLD.created_at IS NOT NEW.created_at OR OLD.source IS NOT NEW.source
    OR OLD.segment IS NOT NEW.segment OR OLD.city IS NOT NEW.city
    OR OLD.temperature IS NOT NEW.temperature OR OLD.owner IS NOT NEW.owner)
BEGIN
  INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count)
  SELECT dim, value, OLD.day, OLD.edge, coalesce(OLD.bucket, 0), -1
  FROM (SELECT 1 AS dim, OLD.source AS value UNION ALL SELECT 2, OLD.segment
    UNION ALL SELECT 3, OLD.city UNION ALL SELECT 4, OLD.temperature
    UNION ALL SELECT 5, OLD.owner UNION ALL SELECT 6, OLD.status) WHERE true
  ON CONFLICT (dim, value, day, edge, bucket) DO UPDATE SET count = count - 1;
  INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count)
  SELECT dim, value, NEW.day, NEW.edge, coalesce(NEW.bucket, 0), 1
  FROM (SELECT 1 AS dim, NEW.source AS value UNION ALL SELECT 2, NEW.segment
    UNION ALL SELECT 3, NEW.city UNION ALL SELECT 4, NEW.temperature
    UNION ALL SELECT 5, NEW.owner UNION ALL SELECT 6, NEW.status) WHERE true
  ON CONFLICT (dim, value, day, edge, bucket) DO UPDATE SET count = count + 1;
END;

-- The frequent case, a status change alone: only the status cells move (two upserts, not twelve).
CREATE TRIGGER lead_journeys_status_move AFTER UPDATE OF status ON lead_journeys
WHEN (SELECT valid FROM journey_state WHERE id = 1) = 1
  AND OLD.status IS NOT NEW.status
  AND OLD.created_at IS NEW.created_at AND OLD.source IS NEW.source
  AND OLD.segment IS NEW.segment AND OLD.city IS NEW.city
  AND OLD.temperature IS NEW.temperature AND OLD.owner IS NEW.owner
BEGIN
  UPDATE journey_dim_days SET count = count - 1
  WHERE dim = 6 AND value = OLD.status AND day = OLD.day AND edge = OLD.edge
    AND bucket = coalesce(OLD.bucket, 0);
  INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count)
  VALUES (6, NEW.status, NEW.day, NEW.edge, coalesce(NEW.bucket, 0), 1)
  ON CONFLICT (dim, value, day, edge, bucket) DO UPDATE SET count = count + 1;
END;
`
