// Won leads by the time they converted: the deals basis of the KPI catalog
// (revenue booked, conversions over time) reads them by converted_at whenever
// no rollup can answer (an owner filter, a viewer in another zone than the
// org's). Without it each such read scanned every lead (~400 ms at a million;
// ~25 ms through this index). Partial, so it holds the won leads only and
// costs the sync little; its WHERE is BASIS.converted's, term for term, which
// is what lets SQLite use it.
export default /* sql */ `
CREATE INDEX leads_converted_at ON leads (converted_at)
  WHERE deleted_at IS NULL AND status = 'won' AND converted_at IS NOT NULL;
`
