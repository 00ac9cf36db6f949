// Roles (issue 15): the tokens a screen over the network opens the browser host with, and the
// audit log of every admin action and every refused call.
//
// A token is kept as a salted SHA-256 of its secret, never the secret: the secret is 256 random
// bits (createToken), so a slow hash would add nothing but cost on every screen's connect, and
// a copy of the cache file gives no way in. A name is unique among the tokens in use; a revoked
// token keeps its row (the audit log names it) and its name may be given again.
export default /* sql */ `
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
  salt TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX tokens_active_name ON tokens (name COLLATE NOCASE) WHERE revoked_at IS NULL;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
  actor TEXT NOT NULL,
  method TEXT NOT NULL,
  summary TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'forbidden', 'error')),
  message TEXT
);
CREATE INDEX audit_log_outcome ON audit_log (outcome, id);
`
