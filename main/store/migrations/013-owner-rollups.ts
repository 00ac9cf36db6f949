// Sums per org-zone local day, owner and source (main/metrics/rollups.ts ROLLUPS, column
// 'owner_source'): a dashboard filtered by one owner (or owner and source) has its totals,
// per-source sums and day series from a few thousand rows instead of the owner's raw leads.
// And sums per UTC hour over all sources: a viewer in another zone with no source filter reads
// a year's local days, hour-of-week heat map and totals from 8,760 rows instead of 8,760 × the
// sources of the hour × source tables (011-hour-rollups.ts).
// And sums per UTC quarter hour over all sources: every zone offset in use is a multiple of 15
// minutes (Asia/Kolkata +05:30, Asia/Kathmandu +05:45), so any zone's local days and hours are
// sums of whole quarters where the hour tables cannot answer.
// The registry's ROLLUP_FORMAT moved with this, so caches built before are rebuilt on their
// next open and fill these.
export default /* sql */ `
-- local day (org zone) of created_at
CREATE TABLE rollup_leads_day_owner (
  day INTEGER NOT NULL,
  owner TEXT NOT NULL,
  source TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, owner, source)
) WITHOUT ROWID;

-- local day (org zone) of converted_at, won leads only
CREATE TABLE rollup_deals_day_owner (
  day INTEGER NOT NULL,
  owner TEXT NOT NULL,
  source TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, owner, source)
) WITHOUT ROWID;

-- UTC hour (ms / 3600000) of created_at, all sources
CREATE TABLE rollup_leads_hour (
  hour INTEGER PRIMARY KEY,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL
);

-- UTC hour of converted_at, won leads only, all sources
CREATE TABLE rollup_deals_hour (
  hour INTEGER PRIMARY KEY,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL
);

-- UTC quarter hour (ms / 900000) of created_at, all sources
CREATE TABLE rollup_leads_quarter (
  quarter INTEGER PRIMARY KEY,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL
);

-- UTC quarter hour of converted_at, won leads only, all sources
CREATE TABLE rollup_deals_quarter (
  quarter INTEGER PRIMARY KEY,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL
);
`
