// State of the Redis stream and live channels (DESIGN.md, "Sync", Redis and
// Socket.IO). The stream position itself lives in sync_state.last_stream_id
// (source 'redis', table_name = stream key), written in the same transaction
// as the batch of events it covers.
export default /* sql */ `
-- Upstream alerts arrive up to three times (stream entry, pub/sub message,
-- Socket.IO push); the upstream id is the key so they are stored once.
-- origin is how it was first seen; stream_id is filled when the durable
-- stream copy arrives, whichever copy came first.
CREATE TABLE upstream_alerts (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  message TEXT NOT NULL,
  value REAL,
  at INTEGER NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('stream', 'pubsub', 'socketio')),
  stream_id TEXT,
  received_at INTEGER NOT NULL
);
CREATE INDEX upstream_alerts_at ON upstream_alerts (at);

-- A gap is recorded before anyone is told about it, so a restart between
-- detection and the Postgres re-pull still re-pulls. resolved_at is set by
-- whoever finished the re-pull.
CREATE TABLE stream_gaps (
  id INTEGER PRIMARY KEY,
  stream TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('trimmed', 'reset')),
  last_id TEXT,
  first_available TEXT,
  max_deleted_id TEXT,
  tables TEXT NOT NULL,
  detected_at INTEGER NOT NULL,
  resolved_at INTEGER
);
CREATE INDEX stream_gaps_open ON stream_gaps (stream) WHERE resolved_at IS NULL;

-- Optional upstream metric snapshots (analytics:metrics:{tenant}:{name}),
-- kept as the JSON object read (a hash's fields or the JSON string's value).
CREATE TABLE upstream_metric_snapshots (
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  read_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
`
