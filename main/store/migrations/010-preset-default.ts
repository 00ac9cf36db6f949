// A named filter preset may be the default: the page opens on it when its link
// names no filters (issue 11). At most one row carries the flag; the partial
// unique index refuses a second, so "set default" clears the old one first in
// the same transaction (main/store/filter-presets.ts).
export default /* sql */ `
ALTER TABLE filter_presets ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1));
CREATE UNIQUE INDEX filter_presets_one_default ON filter_presets (is_default) WHERE is_default = 1;
`
