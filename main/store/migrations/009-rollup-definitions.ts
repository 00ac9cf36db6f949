// The KPI definitions the rollups were built from (the registry's hash,
// main/metrics/registry.ts). Rollups built under other definitions (a changed
// response target) are not read until rebuilt. Rollups over no leads hold
// nothing a definition could change: they are marked 'empty', and the first
// batch written into them records the hash. Older caches with leads have
// none recorded, so they are rebuilt once on their first open after this.
export default /* sql */ `
ALTER TABLE rollup_state ADD COLUMN definitions TEXT;
UPDATE rollup_state SET definitions = 'empty' WHERE NOT EXISTS (SELECT 1 FROM leads);
`
