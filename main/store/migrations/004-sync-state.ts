// Postgres sync state beside 002's `sync_state` (DESIGN.md, "The store" and
// "Sync"). Every column below is written in the same transaction as the rows
// it describes, so a kill at any instant resumes exactly where it stopped.
//
// - feed: 'changelog' (exact) or 'poll' (the approximate fallback).
// - phase: 'snapshot' while the initial copy runs, 'follow' after it.
// - watermark (002): the change-log cursor (an xid8 as text; entries with
//   cursor <= xid are still to apply), or for the poll feed the epoch-ms
//   updated_at it has read up to.
// - snapshot_horizon: the horizon recorded before the copy started; the log
//   is replayed from it once the copy is done.
// - snapshot_after: the last key copied (keyset resume point).
// - snapshot_fresh: 1 when the copy started on an empty table, so it need
//   not delete local rows missing upstream.
// - epoch: the change-log install it follows; another install re-snapshots.
// - filter: the row filter the rows were copied under; another re-snapshots.
export default /* sql */ `
ALTER TABLE sync_state ADD COLUMN feed TEXT;
ALTER TABLE sync_state ADD COLUMN phase TEXT;
ALTER TABLE sync_state ADD COLUMN snapshot_horizon TEXT;
ALTER TABLE sync_state ADD COLUMN snapshot_after TEXT;
ALTER TABLE sync_state ADD COLUMN snapshot_fresh INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN epoch TEXT;
ALTER TABLE sync_state ADD COLUMN filter TEXT;
ALTER TABLE sync_state ADD COLUMN poll_key TEXT;
ALTER TABLE sync_state ADD COLUMN reconciled_at INTEGER;
ALTER TABLE sync_state ADD COLUMN rows_applied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN rows_rejected INTEGER NOT NULL DEFAULT 0;

-- Upstream rows that could not be cached (a value that does not fit the
-- manifest's type, a text over the size limit, a failed CHECK). One row per
-- key: the newest problem. Removed when a good version of the row arrives.
CREATE TABLE sync_rejects (
  source TEXT NOT NULL,
  table_name TEXT NOT NULL,
  key TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (source, table_name, key)
);

-- Secondary indexes dropped for an initial bulk load (one sort beats a
-- million index updates), kept here in the same transaction as the drop so
-- a kill mid-load still rebuilds them on the next start.
CREATE TABLE sync_dropped_indexes (
  name TEXT PRIMARY KEY,
  table_name TEXT NOT NULL,
  sql TEXT NOT NULL
);
`
