// journey_dim_days kept by the sync's row hook, not by triggers (issue 14: catch-up near the raw
// rate). Migration 018's triggers moved every row of a lead through all six dimensions, twelve
// upserts a row for an owner change; in a catch-up of 100,000 owner changes they took two thirds
// of the time. The hook (main/intelligence/journeys.ts, JourneyDimDeltas) now sums each
// transaction's changes by cell and writes each moved cell once before the commit; a rebuild
// counts its chunks in one pass, as before. The counts themselves do not change.
export default /* sql */ `
DROP TRIGGER lead_journeys_dims_insert;
DROP TRIGGER lead_journeys_dims_delete;
DROP TRIGGER lead_journeys_dims_move;
DROP TRIGGER lead_journeys_status_move;
`
