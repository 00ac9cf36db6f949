// Watchfloor's own state beside the mirrors (DESIGN.md, "The store").
export default /* sql */ `
CREATE TABLE sync_state (
  source TEXT NOT NULL,
  table_name TEXT NOT NULL,
  watermark TEXT,
  last_stream_id TEXT,
  last_success_at INTEGER,
  last_error TEXT,
  PRIMARY KEY (source, table_name)
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE filter_presets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  filters TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE alert_rules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kpi TEXT NOT NULL,
  comparator TEXT NOT NULL CHECK (comparator IN ('>', '>=', '<', '<=')),
  warning REAL,
  critical REAL,
  for_seconds INTEGER NOT NULL DEFAULT 0,
  hysteresis REAL NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE alert_state (
  rule_id INTEGER PRIMARY KEY REFERENCES alert_rules (id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('ok', 'pending', 'firing', 'resolved')),
  severity TEXT CHECK (severity IN ('warning', 'critical')),
  since INTEGER NOT NULL,
  value REAL,
  acknowledged_at INTEGER,
  silenced_until INTEGER
);

CREATE TABLE alert_history (
  id INTEGER PRIMARY KEY,
  rule_id INTEGER,
  origin TEXT NOT NULL DEFAULT 'local',
  from_state TEXT,
  to_state TEXT NOT NULL,
  severity TEXT,
  at INTEGER NOT NULL,
  value REAL,
  message TEXT NOT NULL
);
CREATE INDEX alert_history_at ON alert_history (at);
`
