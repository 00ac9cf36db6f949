// The journeys' filter values read from `leads` by key, not copied into every stage row (issue 14:
// catch-up near the raw rate).
//
// Since 015 each row of lead_journeys carried its lead's source, segment, city, temperature and
// owner (and since 018 its status), inside both covering indexes. A change of owner or
// temperature then rewrote every stage row of the lead and moved its entries in both indexes:
// at 100,000 changed leads, 290,000 rows and 1.2 million B-tree moves, two thirds of a catch-up's
// time (18.8 s with the indexes against 6.2 s without, measured on a 300k-lead cache). Now a row
// holds the lead's stage history alone, with its creation time (the range every read seeks by);
// a filter joins `leads` on its integer key for the rows in range. A change of owner rewrites no
// stage row: the row hook moves its counts in journey_dim_days from the old values to the new.
//
// journey_dim_days keeps counting each row under its lead's current values (the invariant the
// hook keeps); it is counted again here from the leads, in case a copy had drifted from them.
// A cache holding journeys keeps its observed history: the rows are copied once.
export default /* sql */ `
CREATE TABLE lead_journeys_narrow (
  lead_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  from_stage INTEGER CHECK (from_stage BETWEEN 0 AND 5),
  to_stage INTEGER NOT NULL CHECK (to_stage BETWEEN 0 AND 5),
  entered_at INTEGER NOT NULL,
  -- time spent in from_stage before entering to_stage (NULL on the entry row)
  duration_ms INTEGER,
  inferred INTEGER NOT NULL CHECK (inferred IN (0, 1)),
  -- the lead's created_at, as the range filter reads it (moved with the lead by the row hook)
  created_at INTEGER NOT NULL,
  -- eighth-octave bucket of the duration (0: up to 1.09 s): where a median is looked for
  bucket INTEGER GENERATED ALWAYS AS (
    CASE WHEN duration_ms IS NULL THEN NULL
      ELSE CAST(log2(max(duration_ms, 1000) / 1000.0) * 8 AS INTEGER) END) VIRTUAL,
  -- the UTC day of the lead's creation (floored, also before 1970)
  day INTEGER GENERATED ALWAYS AS (
    (created_at - ((created_at % 86400000) + 86400000) % 86400000) / 86400000) VIRTUAL,
  -- the edge: from × 8 + to; an entry row 56 + its stage, + 64 when inferred
  edge INTEGER GENERATED ALWAYS AS (
    CASE WHEN from_stage IS NULL THEN 56 + to_stage + 64 * inferred
      ELSE from_stage * 8 + to_stage END) VIRTUAL,
  PRIMARY KEY (lead_id, seq)
) WITHOUT ROWID;

INSERT INTO lead_journeys_narrow (lead_id, seq, from_stage, to_stage, entered_at, duration_ms,
  inferred, created_at)
SELECT lead_id, seq, from_stage, to_stage, entered_at, duration_ms, inferred, created_at
FROM lead_journeys ORDER BY lead_id, seq;

-- Drops the wide table's indexes and triggers with it.
DROP TABLE lead_journeys;
ALTER TABLE lead_journeys_narrow RENAME TO lead_journeys;

-- The raw read of a range: every column it reads but the filter values (its lead_id, the key,
-- is in every entry of an index on a WITHOUT ROWID table).
CREATE INDEX lead_journeys_created
  ON lead_journeys (created_at, from_stage, to_stage, duration_ms, inferred);
-- An edge's rows in duration order, for the k-th duration of a bucket.
CREATE INDEX lead_journeys_median
  ON lead_journeys (from_stage, to_stage, duration_ms, created_at)
  WHERE from_stage IS NOT NULL;

-- journey_days kept as 015 keeps it (the triggers went with the table).
CREATE TRIGGER lead_journeys_days_insert AFTER INSERT ON lead_journeys
WHEN (SELECT valid FROM journey_state WHERE id = 1) = 1
BEGIN
  INSERT INTO journey_days (day, edge, bucket, count) VALUES (NEW.day, NEW.edge, coalesce(NEW.bucket, 0), 1)
  ON CONFLICT (day, edge, bucket) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER lead_journeys_days_delete AFTER DELETE ON lead_journeys
WHEN (SELECT valid FROM journey_state WHERE id = 1) = 1
BEGIN
  UPDATE journey_days SET count = count - 1
  WHERE day = OLD.day AND edge = OLD.edge AND bucket = coalesce(OLD.bucket, 0);
END;

CREATE TRIGGER lead_journeys_days_move AFTER UPDATE OF created_at ON lead_journeys
WHEN (SELECT valid FROM journey_state WHERE id = 1) = 1
  AND OLD.created_at IS NOT NEW.created_at
BEGIN
  UPDATE journey_days SET count = count - 1
  WHERE day = OLD.day AND edge = OLD.edge AND bucket = coalesce(OLD.bucket, 0);
  INSERT INTO journey_days (day, edge, bucket, count) VALUES (NEW.day, NEW.edge, coalesce(NEW.bucket, 0), 1)
  ON CONFLICT (day, edge, bucket) DO UPDATE SET count = count + 1;
END;

DELETE FROM journey_dim_days;
INSERT INTO journey_dim_days (dim, value, day, edge, bucket, count)
SELECT d.dim, CASE d.dim WHEN 1 THEN l.source WHEN 2 THEN l.segment WHEN 3 THEN l.city
    WHEN 4 THEN l.temperature WHEN 5 THEN l.owner ELSE l.status END,
  j.day, j.edge, coalesce(j.bucket, 0), count(*)
FROM lead_journeys j JOIN leads l ON l.id = j.lead_id,
  (SELECT 1 AS dim UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
    UNION ALL SELECT 5 UNION ALL SELECT 6) d
WHERE (SELECT valid FROM journey_state WHERE id = 1) = 1
GROUP BY 1, 2, 3, 4, 5;
`
