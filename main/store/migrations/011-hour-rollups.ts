// Sums per UTC hour and source (main/metrics/rollups.ts ROLLUPS, grain 'hour'): a viewer in
// another zone than the rollups' (London, rollups by Detroit days) has each local day or hour
// as a sum of whole UTC hours (every zone whose offset is whole hours), so the per-day charts
// and the hour-of-week heat map need no raw rows. The registry's ROLLUP_FORMAT moved with
// this, so caches built before are rebuilt on their next open and fill these.
export default /* sql */ `
-- UTC hour (ms / 3600000) of created_at
CREATE TABLE rollup_leads_hour_source (
  hour INTEGER NOT NULL,
  source TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (hour, source)
) WITHOUT ROWID;

-- UTC hour of converted_at, won leads only
CREATE TABLE rollup_deals_hour_source (
  hour INTEGER NOT NULL,
  source TEXT NOT NULL,
  leads INTEGER NOT NULL,
  responded INTEGER NOT NULL,
  under_target INTEGER NOT NULL,
  response_ms INTEGER NOT NULL,
  won INTEGER NOT NULL,
  won_under INTEGER NOT NULL,
  won_valued INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (hour, source)
) WITHOUT ROWID;
`
