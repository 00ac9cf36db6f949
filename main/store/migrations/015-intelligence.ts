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
// The filter columns a journey is asked under (the lead's creation time, source, segment, city,
// temperature, owner) are copied into each row, so a filter change is one range scan of
// `lead_journeys_created` and never a join with `leads`; only the status filter (a lead's
// current status, which moves often) joins. Stages are indexes into LEAD_STATUSES.
export default /* sql */ `
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
  PRIMARY KEY (lead_id, seq)
) WITHOUT ROWID;

CREATE INDEX lead_journeys_created
  ON lead_journeys (created_at, from_stage, to_stage, duration_ms, inferred);

CREATE TABLE journey_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  -- 0 while lead_journeys does not follow leads (a bulk load skipped it): rebuilt, then 1
  valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
  rebuilt_at INTEGER
);
INSERT INTO journey_state (id, valid, rebuilt_at) VALUES (1, 0, NULL);

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
