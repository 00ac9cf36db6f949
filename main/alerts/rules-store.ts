// Alert rules in the cache's `alert_rules` table (migrations 2 and 12), managed from the api
// (`rules.*`, main/api/handlers/rules.ts) and the CLI (`watchfloor alerts rules`). The schema in
// shared/api/alert-rules.ts says what a rule is; this file adds what needs the whole rule or the
// table: thresholds in order, a recovery on the good side, values a metric can take, a message
// whose placeholders exist, one name per rule, RULE_LIMIT. A row this build can no longer read
// (a renamed metric, damaged JSON) is listed apart with why, never evaluated and never thrown,
// as filter presets do (main/store/filter-presets.ts).
import {
  ALERT_METRIC_KPI,
  MESSAGE_PLACEHOLDERS,
  SYSTEM_METRICS,
  RULE_LIMIT,
  alertRuleInputSchema,
  unknownRuleNames,
  type AlertComparator,
  type AlertMetric,
  type AlertRule,
  type AlertRuleList,
  type AlertRuleSpec,
  type UnreadableRule,
} from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'

/** Why a change was refused: the sentence is the person's to read. */
export type RuleRefusalReason = 'invalid' | 'not-found' | 'limit' | 'name-taken' | 'unreadable'

export class RuleRefusal extends Error {
  override readonly name = 'RuleRefusal'
  constructor(
    readonly reason: RuleRefusalReason,
    message: string,
  ) {
    super(message)
  }
}

// ---- Telling the engine ------------------------------------------------------------------

/** What changed: the engine re-reads the rules (and forgets a deleted rule's state). */
export interface RulesChange {
  readonly kind: 'saved' | 'deleted' | 'enabled' | 'seeded'
  readonly ids: readonly number[]
}

// Per cache handle: the core and a test may hold two caches in one process.
const listeners = new WeakMap<Store, Set<(change: RulesChange) => void>>()

/**
 * Calls `listener` after every committed rule change made through this module on `db` (the api,
 * the defaults' seeding). A change made by another process (the CLI on the same file) is not
 * heard: the engine's timer re-reads the rules for those. Returns the unsubscribe.
 */
export function onRulesChanged(db: Store, listener: (change: RulesChange) => void): () => void {
  const set = listeners.get(db) ?? new Set()
  listeners.set(db, set)
  set.add(listener)
  return () => set.delete(listener)
}

export function notifyRulesChanged(db: Store, change: RulesChange): void {
  for (const listener of listeners.get(db) ?? []) listener(change)
}

// ---- Rows --------------------------------------------------------------------------------

interface RuleRow {
  id: number
  name: string
  metric: string
  comparator: string
  warning: number | null
  critical: number | null
  recovery: number | null
  for_seconds: number
  filters: string | null
  message: string
  enabled: number
  built_in: number
  created_at: number
  updated_at: number
}

const COLUMNS =
  'id, name, metric, comparator, warning, critical, recovery, for_seconds, filters, message, enabled, built_in, created_at, updated_at'

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name.localeCompare(b.name, 'en-US', { sensitivity: 'base' }) || a.name.localeCompare(b.name)

const sameName = (a: string, b: string): boolean =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US')

/** A stored row read back through the same schema a save goes through; why not, otherwise. */
function readRow(row: RuleRow): { rule: AlertRule } | { reason: string } {
  let filters: unknown = null
  if (row.filters !== null) {
    try {
      filters = JSON.parse(row.filters) as unknown
    } catch {
      return { reason: 'its filters are not readable JSON' }
    }
  }
  const raw = {
    name: row.name,
    metric: row.metric,
    comparator: row.comparator,
    warning: row.warning,
    critical: row.critical,
    recovery: row.recovery,
    forSeconds: row.for_seconds,
    filters,
    message: row.message,
    enabled: row.enabled === 1,
  }
  const names = unknownRuleNames(raw)
  if (names.length > 0) return { reason: names.map((n) => n.message).join(' ') }
  const parsed = alertRuleInputSchema.safeParse(raw)
  if (!parsed.success)
    return {
      reason: parsed.error.issues
        .map((i) => `${i.path.map(String).join('.') || 'rule'}: ${i.message}`)
        .join('; '),
    }
  const problems = ruleProblems(parsed.data)
  if (problems.length > 0) return { reason: problems.join(' ') }
  return {
    rule: {
      ...parsed.data,
      id: row.id,
      builtIn: row.built_in === 1,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    },
  }
}

function allRows(db: Store): RuleRow[] {
  return db.prepare(`SELECT ${COLUMNS} FROM alert_rules`).all() as RuleRow[]
}

function rowOf(db: Store, id: number): RuleRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM alert_rules WHERE id = ?`).get(id) as
    RuleRow | undefined
}

export function listRules(db: Store): AlertRuleList {
  const rules: AlertRule[] = []
  const unreadable: UnreadableRule[] = []
  for (const row of allRows(db)) {
    const read = readRow(row)
    if ('rule' in read) rules.push(read.rule)
    else unreadable.push({ id: row.id, name: String(row.name), reason: read.reason })
  }
  return { rules: rules.sort(byName), unreadable: unreadable.sort(byName) }
}

/** The rules the engine evaluates: the readable, enabled ones. */
export function enabledRules(db: Store): AlertRule[] {
  return listRules(db).rules.filter((r) => r.enabled)
}

const missing = (id: number) =>
  new RuleRefusal('not-found', `There is no alert rule ${id} (it may have been deleted elsewhere).`)

/** One rule; null when there is none; refused with why when its row can no longer be read. */
export function getRule(db: Store, id: number): AlertRule | null {
  const row = rowOf(db, id)
  if (row === undefined) return null
  const read = readRow(row)
  if ('rule' in read) return read.rule
  throw new RuleRefusal(
    'unreadable',
    `Alert rule ${id} can no longer be read (${read.reason}); save it anew or delete it.`,
  )
}

// ---- Validation beyond the schema --------------------------------------------------------

/** Whether a value on the comparator's side of `threshold` alerts: bad is up for > and >=. */
const badIsUp = (c: AlertComparator): boolean => c === '>' || c === '>='

/**
 * The values a metric can take: shares are fractions of 1 (25 % is 0.25, the registry's unit
 * 'fraction'), everything else is a count, seconds, cents or a ratio, never negative. A
 * threshold outside them is a mistake (25 meant as 25 %) that would fire always or never.
 */
function metricDomain(metric: AlertMetric): { min: number; max: number; words: string } {
  if (metric === 'conversionRate' || metric === 'shareUnderTarget')
    return { min: 0, max: 1, words: `${metric} is a fraction from 0 to 1 (25 % is 0.25)` }
  const what = ALERT_METRIC_KPI[metric] === undefined ? 'a figure of the sync' : 'a KPI'
  return { min: 0, max: Infinity, words: `${metric} is ${what} that is never negative` }
}

const PLACEHOLDERS = MESSAGE_PLACEHOLDERS

/** A threshold in a sentence: a share also as the percent the page writes (0.25 = 25 %). */
function shownThreshold(metric: AlertMetric, value: number): string {
  return metricDomain(metric).max === 1 ? `${value} (${+(value * 100).toFixed(2)} %)` : `${value}`
}

/** Everything wrong with a parsed rule, as sentences; none when it may be saved. */
export function ruleProblems(spec: AlertRuleSpec): string[] {
  const problems: string[] = []
  const { comparator: c, warning, critical, recovery } = spec
  const shown = (value: number) => shownThreshold(spec.metric, value)
  if (warning === null && critical === null)
    problems.push('A rule needs a warning or a critical threshold, or both.')
  if (warning !== null && critical !== null) {
    const beyond = badIsUp(c) ? critical > warning : critical < warning
    if (!beyond)
      problems.push(
        `With "${c}", the critical threshold must lie ${badIsUp(c) ? 'above' : 'below'} the warning one (critical ${shown(critical)}, warning ${shown(warning)}).`,
      )
  }
  const nearest = warning ?? critical
  if (recovery !== null && nearest !== null) {
    const goodSide = badIsUp(c) ? recovery <= nearest : recovery >= nearest
    if (!goodSide)
      problems.push(
        `The recovery ${shown(recovery)} lies on the alerting side of the ${warning === null ? 'critical' : 'warning'} threshold ${shown(nearest)}: with "${c}" it must be at ${badIsUp(c) ? 'most' : 'least'} ${shown(nearest)}, so the alert can resolve.`,
      )
  }
  const domain = metricDomain(spec.metric)
  for (const [label, value] of [
    ['warning threshold', warning],
    ['critical threshold', critical],
    ['recovery', recovery],
  ] as const) {
    if (value !== null && (value < domain.min || value > domain.max))
      problems.push(`${domain.words}; the ${label} ${value} lies outside it.`)
  }
  if (spec.filters !== null && SYSTEM_METRICS.has(spec.metric))
    problems.push(`${spec.metric} describes the sync, not the data: a rule on it takes no filters.`)
  const unknown = [...spec.message.matchAll(/\{([^{}]*)\}/g)]
    .map((m) => m[1] ?? '')
    .filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p))
  if (unknown.length > 0)
    problems.push(
      `The message names {${unknown[0]?.slice(0, 40)}}, which is not filled in; it may use ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`,
    )
  return problems
}

function refuseProblems(spec: AlertRuleSpec): void {
  const problems = ruleProblems(spec)
  if (problems.length > 0) throw new RuleRefusal('invalid', problems.join(' '))
}

// ---- Changes -----------------------------------------------------------------------------

function columnsOf(spec: AlertRuleSpec) {
  return {
    name: spec.name,
    metric: spec.metric,
    comparator: spec.comparator,
    warning: spec.warning,
    critical: spec.critical,
    recovery: spec.recovery,
    for_seconds: spec.forSeconds,
    filters: spec.filters === null ? null : JSON.stringify(spec.filters),
    message: spec.message,
    enabled: spec.enabled ? 1 : 0,
  }
}

/** Inserts a rule without the checks of saveRule: the shipped defaults (default-rules.ts). */
export function insertRule(db: Store, spec: AlertRuleSpec, builtIn: boolean, now: number): number {
  const info = db
    .prepare(
      `INSERT INTO alert_rules (name, metric, comparator, warning, critical, recovery, for_seconds,
         filters, message, enabled, built_in, created_at, updated_at)
       VALUES (@name, @metric, @comparator, @warning, @critical, @recovery, @for_seconds,
         @filters, @message, @enabled, @built_in, @now, @now)`,
    )
    .run({ ...columnsOf(spec), built_in: builtIn ? 1 : 0, now })
  return Number(info.lastInsertRowid)
}

/**
 * Saves a parsed rule: a new one, or (with `id`) a replacement for rule `id`, which keeps its
 * id, creation time and built-in mark (a replaced unreadable row becomes readable again).
 * Refused with a RuleRefusal saying why.
 */
export function saveRule(
  db: Store,
  spec: AlertRuleSpec & { readonly id?: number | undefined },
  now: number,
): AlertRule {
  refuseProblems(spec)
  const id = db
    .transaction((): number => {
      const rows = db.prepare('SELECT id, name FROM alert_rules').all() as {
        id: number
        name: string
      }[]
      const other = rows.find((r) => r.id !== spec.id && sameName(String(r.name), spec.name))
      if (other !== undefined)
        throw new RuleRefusal(
          'name-taken',
          `An alert rule called "${other.name}" already exists (rule ${other.id}); pick another name or edit that one.`,
        )
      if (spec.id !== undefined) {
        if (!rows.some((r) => r.id === spec.id)) throw missing(spec.id)
        db.prepare(
          `UPDATE alert_rules SET name = @name, metric = @metric, comparator = @comparator,
             warning = @warning, critical = @critical, recovery = @recovery,
             for_seconds = @for_seconds, filters = @filters, message = @message,
             enabled = @enabled, updated_at = @now
           WHERE id = @id`,
        ).run({ ...columnsOf(spec), now, id: spec.id })
        return spec.id
      }
      if (rows.length >= RULE_LIMIT)
        throw new RuleRefusal(
          'limit',
          `At most ${RULE_LIMIT} alert rules can be kept; delete one first.`,
        )
      return insertRule(db, spec, false, now)
    })
    .immediate()
  notifyRulesChanged(db, { kind: 'saved', ids: [id] })
  const saved = getRule(db, id)
  if (saved === null) throw missing(id)
  return saved
}

/** Deletes a rule, readable or not; its state goes with it (alert_state cascades). */
export function deleteRule(db: Store, id: number): { id: number } {
  const info = db.prepare('DELETE FROM alert_rules WHERE id = ?').run(id)
  if (info.changes === 0) throw missing(id)
  notifyRulesChanged(db, { kind: 'deleted', ids: [id] })
  return { id }
}

export function setRuleEnabled(db: Store, id: number, enabled: boolean, now: number): AlertRule {
  // Read first: an unreadable row is refused with why rather than switched on blind.
  if (getRule(db, id) === null) throw missing(id)
  db.prepare('UPDATE alert_rules SET enabled = ?, updated_at = ? WHERE id = ?').run(
    enabled ? 1 : 0,
    now,
    id,
  )
  notifyRulesChanged(db, { kind: 'enabled', ids: [id] })
  const rule = getRule(db, id)
  if (rule === null) throw missing(id)
  return rule
}
