// Each lead's segment from the last recompute (issue 16), so that `intel.segments` under the
// global filters answers each segment's size, revenue share and conversion among the filtered
// leads, and a scatter of only the filtered points, without re-clustering.
//
// `intel_lead_segments` holds one row per segmented lead with the filter columns copied in as
// small codes (status: index into LEAD_STATUSES; temperature: into TEMPERATURES; source, segment,
// city and owner: `intel_segment_values`' codes), as they were when the recompute read them: the
// segments and their numbers are a snapshot at `data_as_of`, so a filtered table adds up to the
// unfiltered one. Keyed by (created_at, lead_id) with every column in the key's B-tree: a range
// filter is one range scan and never a lookup into `leads` (a row lookup per lead cost 3–5× in
// the journeys, migration 015).
//
// `intel_segment_days` counts the same rows by UTC day of creation and segment: a filter with no
// dimension reads whole days there and only the range's two partial days from the rows, so a
// year of a million leads costs a few thousand rollup rows.
//
// `rank` is a seeded hash of the lead id, uniform over 0..2^32-1: the scatter of a filtered set
// is its rows of lowest rank (a deterministic uniform sample), found through `intel_lead_segments_rank`
// when the filter keeps many rows, so its cost is bounded by the points drawn, not the rows kept.
// The index holds only the lowest sixteenth of ranks (2^28, lead-segments.ts RANK_INDEXED): a
// full one cost 9 s of CPU to fill at a million leads (random-order inserts), this one 0.6 s,
// and a filter keeping fewer leads than 16 × the points is read in creation order anyway.
// Edited before release (issue 16): a dev cache that applied the first 017 needs a fresh fill.
export default /* sql */ `
CREATE TABLE intel_lead_segments (
  created_at INTEGER NOT NULL,
  lead_id INTEGER NOT NULL,
  cluster INTEGER NOT NULL,
  status INTEGER NOT NULL,
  temperature INTEGER NOT NULL,
  source INTEGER NOT NULL,
  segment INTEGER NOT NULL,
  city INTEGER NOT NULL,
  owner INTEGER NOT NULL,
  -- won deal value, cents (0 unless won)
  revenue_cents INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  pc1 REAL NOT NULL,
  pc2 REAL NOT NULL,
  PRIMARY KEY (created_at, lead_id)
) WITHOUT ROWID;
CREATE INDEX intel_lead_segments_rank ON intel_lead_segments (rank) WHERE rank < 268435456;

-- The codes of intel_lead_segments' text dimensions (field: source, segment, city, owner).
CREATE TABLE intel_segment_values (
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  code INTEGER NOT NULL,
  PRIMARY KEY (field, value)
) WITHOUT ROWID;

CREATE TABLE intel_segment_days (
  day INTEGER NOT NULL,
  cluster INTEGER NOT NULL,
  leads INTEGER NOT NULL,
  won INTEGER NOT NULL,
  lost INTEGER NOT NULL,
  revenue_cents INTEGER NOT NULL,
  PRIMARY KEY (day, cluster)
) WITHOUT ROWID;
`
