// Sums per dimension value (main/metrics/rollups.ts ROLLUPS, columns 'sourceFacet' and
// 'facet'): each lead counted once under each of the five dimensions (source, city, segment,
// temperature, status) with its value, by org-zone day and month, per source; and an owner's
// the same by org-zone day (beside the month ones of 016-quarter-rollups.ts). A dashboard's
// breakdown by one dimension (conversion by temperature and source, markets by segment, the
// funnel by status), with no filter, a source filter or an owner filter, then reads one
// dimension's rows of the range — a few hundred a month — instead of grouping the five-dimension
// cube's thousands (issue 14: p95 < 50 ms for any zone and any owner). A range in another zone
// reads the org-zone days inside it here and the raw rows of its two edges. And an owner's
// response-time histogram by org day, so an owner's exact median reads one second's raw rows
// rather than ranking the owner's whole range. And the all-leads section of each UTC day's
// quarter blob (016-quarter-rollups.ts) in a table of its own: a viewer in another zone's series,
// heat map and totals with no filter read a few hundred bytes a day, not the ~12 KB of every
// source's and owner's sections.
// Keyed dimension first, then time, so one dimension's range is one stretch of the key.
// The registry's ROLLUP_FORMAT moved with this, so caches built before are rebuilt on their next
// open and fill these.
export default /* sql */ `
-- local day (org zone) of created_at: per source, each dimension's values
CREATE TABLE rollup_leads_day_facet (
  day INTEGER NOT NULL,
  source TEXT NOT NULL,
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
  PRIMARY KEY (dim, day, source, value)
) WITHOUT ROWID;

-- local month (org zone) of created_at: per source, each dimension's values
CREATE TABLE rollup_leads_month_facet (
  month INTEGER NOT NULL,
  source TEXT NOT NULL,
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
  PRIMARY KEY (dim, month, source, value)
) WITHOUT ROWID;

-- local day (org zone) of created_at: per owner, each dimension's values
CREATE TABLE rollup_leads_day_owner_facet (
  day INTEGER NOT NULL,
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
  PRIMARY KEY (owner, dim, day, value)
) WITHOUT ROWID;

-- local day (org zone) of created_at: per owner, answered leads per response bucket (the
-- encoding of count-blob.ts, as rollup_response_day's per source)
CREATE TABLE rollup_response_day_owner (
  day INTEGER NOT NULL,
  owner TEXT NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (day, owner)
) WITHOUT ROWID;

-- UTC day of created_at: the all-leads section of rollup_leads_quarters' blob, alone
CREATE TABLE rollup_leads_quarters_all (
  day INTEGER PRIMARY KEY,
  sums BLOB NOT NULL
);

-- UTC day of converted_at: the all-deals section of rollup_deals_quarters' blob, alone
CREATE TABLE rollup_deals_quarters_all (
  day INTEGER PRIMARY KEY,
  sums BLOB NOT NULL
);
`
