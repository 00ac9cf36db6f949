// Mirror tables for the ops domain (DESIGN.md, "The ops domain").
// Times are INTEGER milliseconds since the epoch (UTC) so range filters are
// plain integer comparisons; money is INTEGER cents so sums are exact.
export default /* sql */ `
CREATE TABLE leads (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  source TEXT NOT NULL,
  city TEXT NOT NULL,
  segment TEXT NOT NULL,
  temperature TEXT NOT NULL CHECK (temperature IN ('hot', 'warm', 'cold')),
  status TEXT NOT NULL CHECK (status IN ('new', 'contacted', 'qualified', 'proposal', 'won', 'lost')),
  owner TEXT NOT NULL,
  first_response_at INTEGER,
  converted_at INTEGER,
  deal_value_cents INTEGER
);

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  lead_id INTEGER,
  name TEXT NOT NULL,
  city TEXT NOT NULL,
  segment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  value_cents INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),
  started_at INTEGER,
  completed_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);

CREATE TABLE appointments (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  lead_id INTEGER NOT NULL,
  scheduled_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked', 'completed', 'no_show', 'cancelled')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);

CREATE TABLE marketing_channels (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  cost_per_lead_cents INTEGER NOT NULL,
  conversion_target REAL NOT NULL,
  monthly_spend_cents INTEGER,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  UNIQUE (tenant_id, name)
);

CREATE TABLE revenue_targets (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  target_cents INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  UNIQUE (tenant_id, month)
);

CREATE TABLE market_segments (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  cities TEXT NOT NULL,
  target_deal_size_cents INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  UNIQUE (tenant_id, name)
);

CREATE TABLE events (
  stream_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  payload TEXT NOT NULL
);
`
