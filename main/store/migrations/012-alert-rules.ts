// Alert rules as issue 13 defines them (shared/api/alert-rules.ts alertRuleInputSchema): the
// watched value is a `metric` of the alert catalog (a registry KPI or a sync figure), not only a
// KPI, so `kpi` becomes `metric`; a `recovery` threshold replaces the `hysteresis` delta (a
// rule states where the alert resolves, in the metric's own unit, as the screen shows it); the
// filter set the value is computed under (JSON of shared/api/filters.ts Filters, null: the
// catalog's default range); a message template; whether it is a shipped default.
//
// SQLite cannot add a table CHECK to an existing table, so the table is rebuilt: copied, dropped,
// and the copy renamed (alert_state's foreign key follows the name). The drop cascades to
// alert_state (foreign keys are on, and a transaction cannot turn them off), so the states are
// kept aside and put back for the rules that stay. A row
// there without any threshold (only a hand edit could have made one) never fired and cannot
// satisfy the new CHECK: it is left behind rather than invented a threshold. A hysteresis
// becomes the recovery it meant: the nearest threshold moved back by it, toward the good side.
//
// The metric is not CHECKed against the catalog: a renamed metric would then need a rebuild;
// the store lists a row naming one it does not know as unreadable, with why.
export default /* sql */ `
CREATE TABLE alert_rules_v12 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  metric TEXT NOT NULL,
  comparator TEXT NOT NULL CHECK (comparator IN ('>', '>=', '<', '<=')),
  warning REAL,
  critical REAL,
  recovery REAL,
  for_seconds INTEGER NOT NULL DEFAULT 0 CHECK (for_seconds >= 0),
  -- JSON of the filter set, or NULL
  filters TEXT,
  message TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  built_in INTEGER NOT NULL DEFAULT 0 CHECK (built_in IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (warning IS NOT NULL OR critical IS NOT NULL)
);

INSERT INTO alert_rules_v12 (
  id, name, metric, comparator, warning, critical, recovery, for_seconds, filters, message,
  enabled, built_in, created_at, updated_at
)
SELECT
  id, name, kpi, comparator, warning, critical,
  CASE
    WHEN hysteresis = 0 THEN NULL
    WHEN comparator IN ('>', '>=') THEN coalesce(warning, critical) - abs(hysteresis)
    ELSE coalesce(warning, critical) + abs(hysteresis)
  END,
  max(for_seconds, 0), NULL, '{name}: {metric} is {value} ({severity} at {threshold})',
  CASE WHEN enabled = 0 THEN 0 ELSE 1 END, 0, created_at, updated_at
FROM alert_rules
WHERE warning IS NOT NULL OR critical IS NOT NULL;

CREATE TEMP TABLE alert_state_v12 AS SELECT * FROM alert_state;
DROP TABLE alert_rules;
ALTER TABLE alert_rules_v12 RENAME TO alert_rules;
INSERT INTO alert_state SELECT * FROM alert_state_v12 WHERE rule_id IN (SELECT id FROM alert_rules);
DROP TABLE temp.alert_state_v12;
`
