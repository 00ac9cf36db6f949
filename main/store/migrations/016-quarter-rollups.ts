// Sums per UTC quarter hour (main/metrics/rollups.ts QUARTER_ROLLUPS), one row per UTC day whose
// blob holds the lead measures of each of its 96 quarters, in sections (count-blob.ts): over all
// sources, per source and per owner. Every zone in use has offsets and changes on a quarter hour
// (Asia/Kolkata +05:30, Asia/Kathmandu +05:45, Australia/Eucla +08:45, Australia/Lord_Howe's
// 30-minute DST), so any zone's local days, hours and hours of week, and the totals of any range
// of its days, are sums of whole quarters, with no filter, a source filter or an owner filter.
// One row a day: a sync batch rewrites a row per UTC day it touches, rather than upserting a row
// per hour and source, so these replace the UTC hour tables of 011-hour-rollups.ts and
// 013-owner-rollups.ts, which go, as does the deals' day × owner table of 013 (recorded per row,
// while the owners' sections answer the same sums).
// And an owner's sums by each of the five dimensions (source, city, segment, temperature,
// status) by org-zone month (main/metrics/rollups.ts ROLLUPS, column 'facet'): a dashboard
// filtered by owner has its conversion, markets and funnel breakdowns and its sums per source
// from a few hundred rows a month instead of the owner's raw leads.
// The registry's ROLLUP_FORMAT moved with this, so caches built before are rebuilt on their next
// open and fill these.
export default /* sql */ `
DROP TABLE IF EXISTS rollup_leads_hour_source;
DROP TABLE IF EXISTS rollup_deals_hour_source;
DROP TABLE IF EXISTS rollup_leads_hour;
DROP TABLE IF EXISTS rollup_deals_hour;
-- An owner's deals by day: the owners' sections of the deals' quarter rows answer them, in any zone.
DROP TABLE IF EXISTS rollup_deals_day_owner;

-- UTC day (ms / 86400000) of created_at: the measures of each quarter of the day, in sections
-- (count-blob.ts): all sources, each source, each owner
CREATE TABLE rollup_leads_quarters (
  day INTEGER PRIMARY KEY,
  sums BLOB NOT NULL
);

-- UTC day of converted_at, won leads only
CREATE TABLE rollup_deals_quarters (
  day INTEGER PRIMARY KEY,
  sums BLOB NOT NULL
);

-- local month (org zone) of created_at: per owner, each dimension's values
CREATE TABLE rollup_leads_month_owner (
  month INTEGER NOT NULL,
  owner TEXT NOT NULL,
  dim TEXT NOT NULL,
  value TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (month, owner, dim, value)
) WITHOUT ROWID;
`
