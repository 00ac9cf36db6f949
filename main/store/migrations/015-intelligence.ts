// Customer intelligence (issue 16): the leads' stage history for journeys, the stored results of
// the last recompute (segments, model card) and the scores of open leads.
//
// The mirror holds no stage history, only each lead's current status, so `lead_journeys` keeps
// one: a row per stage a lead entered (seq 0 is its entry as 'new', from_stage NULL), with the
// time spent in the stage before. Existing leads get a history inferred from created_at,
// first_response_at, converted_at and updated_at (inferred = 1; main/intelligence/journeys.ts
// rebuildJourneys, run at start while journey_state says the rows are not current, as after a
// bulk load); from then on the sync's row hooks append what they see change (inferred = 0).
//
// A range of whole UTC days with no dimension filter reads `journey_days` (counts by day, edge
// and duration bucket, kept by triggers) and then, per edge, the one bucket holding its median
// through `lead_journeys_edge`: a year of leads costs a few thousand rollup rows, not millions.
// Edited before release (issue 16): a dev cache that applied the first 015 needs a fresh fill.
//
// The filter columns a journey is asked under (the lead's creation time, source, segment, city,
// temperature, owner) are copied into each row, so a filter change is one range scan of
// `lead_journeys_created` and never a join with `leads`; only the status filter (a lead's
// current status, which moves often) joins. Stages are indexes into LEAD_STATUSES.
export default /* sql */ `
CREATE TABLE journey_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  -- 0 while lead_journeys does not follow leads (a bulk load skipped it): rebuilt, then 1
  valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
  rebuilt_at INTEGER
);
INSERT INTO journey_state (id, valid, rebuilt_at) VALUES (1, 0, NULL);

CREATE TABLE lead_journeys (
  lead_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  from_stage INTEGER CHECK (from_stage BETWEEN 0 AND 5),
  to_stage INTEGER NOT NULL CHECK (to_stage BETWEEN 0 AND 5),
  entered_at INTEGER NOT NULL,
  -- time spent in from_stage before entering to_stage (NULL on the entry row)
  duration_ms INTEGER,
  inferred INTEGER NOT NULL CHECK (inferred IN (0, 1)),
  created_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  segment TEXT NOT NULL,
  city TEXT NOT NULL,
  temperature TEXT NOT NULL,
  owner TEXT NOT NULL,
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

-- Covering for the raw read, dimension filters included (a row lookup per entry cost 3-5×).
CREATE INDEX lead_journeys_created
  ON lead_journeys (created_at, from_stage, to_stage, duration_ms, inferred,
    source, segment, city, temperature, owner);
-- The durations of an edge within one bucket and range, for an exact median.
CREATE INDEX lead_journeys_edge
  ON lead_journeys (from_stage, to_stage, bucket, created_at, duration_ms)
  WHERE from_stage IS NOT NULL;

-- Rows of lead_journeys counted by day, edge and bucket: a range of whole days without dimension
-- filters reads its flows and duration histograms here, then one bucket per median. Kept by the
-- triggers below while journey_state is valid (a rebuild fills it in one pass).
CREATE TABLE journey_days (
  day INTEGER NOT NULL,
  edge INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (day, edge, bucket)
) WITHOUT ROWID;

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

-- The last recompute's results by kind ('segments', 'model'), as JSON of the contract's types.
CREATE TABLE intel_results (
  kind TEXT PRIMARY KEY,
  computed_at INTEGER NOT NULL,
  inputs_hash TEXT NOT NULL,
  data_as_of INTEGER,
  body TEXT NOT NULL
);

-- Open leads' scores from the last recompute: the model's and the temperature baseline's,
-- each with its expected value (score x the segment's average won deal, cents).
CREATE TABLE intel_lead_scores (
  lead_id INTEGER PRIMARY KEY,
  model_score REAL NOT NULL,
  baseline_score REAL NOT NULL,
  model_value REAL NOT NULL,
  baseline_value REAL NOT NULL,
  -- JSON array of ScoreDriver
  drivers TEXT NOT NULL
);
CREATE INDEX intel_lead_scores_model ON intel_lead_scores (model_value DESC, lead_id);
CREATE INDEX intel_lead_scores_baseline ON intel_lead_scores (baseline_value DESC, lead_id);

-- Per-lead features read the lead's appointments and its customer's projects by key.
CREATE INDEX appointments_lead ON appointments (lead_id);
CREATE INDEX customers_lead ON customers (lead_id);
CREATE INDEX projects_customer ON projects (customer_id);
`
