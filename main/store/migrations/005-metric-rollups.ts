// Metric rollups (main/metrics/rollups.ts): sums of the lead measures per
// local time bucket × dimensions, so the KPI catalog reads thousands of rows
// instead of a million. Buckets are local days and months in ONE zone,
// the org's (rollup_state.time_zone, default America/Detroit, the demo's);
// a query in another zone reads the raw tables instead, because a local day
// elsewhere is not a union of this zone's days. Owner is in no rollup (eight
// owners would multiply the rows by eight); an owner filter reads raw rows.
//
// Every table has the same measure columns, each the sum over its leads of:
//   leads          1
//   responded      first_response_at IS NOT NULL
//   under_target   answered within 120 s
//   response_ms    first_response_at - created_at (answered leads)
//   won            status = 'won'
//   won_under      won and answered within 120 s
//   won_valued     won with a deal value
//   revenue_cents  deal_value_cents of won leads
// A row whose `leads` falls to 0 is deleted, so a rebuild and incremental
// maintenance give identical tables. `valid` is 0 when the file already held
// leads at migration time: the metrics read raw tables until rebuildRollups.
//
// Medians cannot be summed, so the first-response times are kept as count
// histograms (main/metrics/count-blob.ts): per local day × source and
// local month × source, a blob of sparse (bucket, count) varints, one bucket
// per whole second up to 30 minutes plus one below 0 and one above. A blob
// per key rather than a row per (key, second): it is read and rewritten once
// per sync batch (dozens of blobs) instead of upserting ~one row per lead, and
// a year's histogram is 72 small blobs. The median's bucket found there, the
// exact value is ranked among that second's raw rows through
// leads_response_ms (a few thousand index entries at a million leads). The
// heat map (hour of week) has the same shape: a 168-count blob per local
// day / month × source. (No hourly sums table: an hourly series spans two
// days at most, read from the raw rows through leads_created_at.)
export default /* sql */ `
CREATE TABLE rollup_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  time_zone TEXT NOT NULL,
  valid INTEGER NOT NULL,
  built_at INTEGER
);
INSERT INTO rollup_state (id, time_zone, valid)
  SELECT 1, 'America/Detroit', NOT EXISTS (SELECT 1 FROM leads);

-- Each distinct (source, city, segment, temperature, status) once: the
-- five-dimension tables key on this id, so their rows are a third the size
-- and grouping a month of them sorts integers, not five strings. Ids are
-- never deleted or reused (a rebuild keeps them), so incremental upkeep and a
-- rebuild give identical tables.
CREATE TABLE rollup_dims (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  city TEXT NOT NULL,
  segment TEXT NOT NULL,
  temperature TEXT NOT NULL,
  status TEXT NOT NULL,
  UNIQUE (source, city, segment, temperature, status)
);

-- local day of created_at
CREATE TABLE rollup_leads_day (
  day INTEGER NOT NULL,
  dims INTEGER NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, dims)
) WITHOUT ROWID;

-- local month of created_at
CREATE TABLE rollup_leads_month (
  month INTEGER NOT NULL,
  dims INTEGER NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (month, dims)
) WITHOUT ROWID;

-- local day of created_at
CREATE TABLE rollup_leads_day_source (
  day INTEGER NOT NULL,
  source TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, source)
) WITHOUT ROWID;

-- local day of converted_at, won leads only
CREATE TABLE rollup_deals_day (
  day INTEGER NOT NULL,
  dims INTEGER NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, dims)
) WITHOUT ROWID;

-- local month of converted_at, won leads only
CREATE TABLE rollup_deals_month (
  month INTEGER NOT NULL,
  dims INTEGER NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (month, dims)
) WITHOUT ROWID;

-- local day of converted_at, won leads only
CREATE TABLE rollup_deals_day_source (
  day INTEGER NOT NULL,
  source TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, source)
) WITHOUT ROWID;

-- first-response histograms (answered, not deleted leads) by local day / month of created_at
CREATE TABLE rollup_response_day (
  day INTEGER NOT NULL,
  source TEXT NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (day, source)
);

CREATE TABLE rollup_response_month (
  month INTEGER NOT NULL,
  source TEXT NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (month, source)
);

-- leads (not deleted) per local hour of week (weekday from Sunday × 24 + hour) by local day / month of created_at
CREATE TABLE rollup_week_hours_day (
  day INTEGER NOT NULL,
  source TEXT NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (day, source)
);

CREATE TABLE rollup_week_hours_month (
  month INTEGER NOT NULL,
  source TEXT NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (month, source)
);

-- Response times in rank order within the answered, live leads: the median
-- reads a second's worth of entries here. created_at in the key keeps the
-- range test inside the index.
CREATE INDEX leads_response_ms ON leads (first_response_at - created_at, created_at)
  WHERE deleted_at IS NULL AND first_response_at IS NOT NULL;
`
