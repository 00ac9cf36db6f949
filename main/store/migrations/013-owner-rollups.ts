// Sums per org-zone local day and owner (main/metrics/rollups.ts ROLLUPS, column 'owner'): a
// dashboard filtered by owner has its totals and day series from a few thousand rows instead of
// the owner's raw leads. And sums per UTC hour over all sources (derived from the hour × source
// deltas at flush): a viewer in another zone with no source filter has a year's local days,
// hour-of-week heat map and totals from 8,760 rows instead of the hour × source tables' 8,760 ×
// the sources (011-hour-rollups.ts).
// The registry's ROLLUP_FORMAT moved with this, so caches built before are rebuilt on their
// next open and fill these.
export default /* sql */ `
-- local day (org zone) of created_at
CREATE TABLE rollup_leads_day_owner (
  day INTEGER NOT NULL,
  owner TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, owner)
) WITHOUT ROWID;

-- local day (org zone) of converted_at, won leads only
CREATE TABLE rollup_deals_day_owner (
  day INTEGER NOT NULL,
  owner TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, owner)
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
`
