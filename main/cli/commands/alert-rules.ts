// `watchfloor alerts rules list|add|edit|enable|disable|delete` (issue 13): the alert rules of a
// cache, managed from a script or a terminal on the machine itself (so with the admin's right,
// as the app's own window has). The same store as the api (main/alerts/rules-store.ts): the same
// checks, the same sentences; the defaults are seeded on first use as in the app. A running
// app does not hear these changes at once: its engine re-reads the rules on its timer.
import { existsSync } from 'node:fs'
import {
  saveRuleInputSchema,
  type AlertRule,
  type AlertRuleInput,
  type Filters,
} from '../../../shared/api/index.ts'
import { ensureDefaultRules } from '../../alerts/default-rules.ts'
import {
  deleteRule,
  getRule,
  listRules,
  saveRule,
  setRuleEnabled,
} from '../../alerts/rules-store.ts'
import { filterValues } from '../../metrics/index.ts'
import { openStore, type Store } from '../../store/index.ts'
import { parseFilterOption } from '../filter-option.ts'
import { defaultDbPath } from '../paths.ts'

export interface RuleListOptions {
  readonly db?: string
  readonly json?: boolean
}

/** The options of `add` and `edit`, as typed (numbers and durations still text). */
export interface RuleOptions {
  readonly db?: string
  readonly name?: string
  readonly metric?: string
  readonly comparator?: string
  readonly warning?: string
  readonly critical?: string
  readonly recovery?: string
  readonly for?: string
  /** Repeatable, joined with `;` as `watchfloor export` does. */
  readonly filter?: readonly string[]
  readonly message?: string
  /** Commander's --disabled / --enabled. */
  readonly disabled?: boolean
  readonly enabled?: boolean
}

/** Opens the cache to change its rules; a mistyped --db must not become a new, empty cache. */
function withRules<T>(dbPath: string | undefined, act: (db: Store) => T): T {
  const path = dbPath ?? defaultDbPath()
  if (!existsSync(path))
    throw new Error(`there is no cache at ${path}; check --db (or start Watchfloor once)`)
  const db = openStore(path)
  try {
    ensureDefaultRules(db, Date.now())
    return act(db)
  } finally {
    db.close()
  }
}

/** `none` clears a threshold; anything else must be a number. */
function threshold(option: string, text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined
  if (text.trim().toLowerCase() === 'none') return null
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n))
    throw new Error(`--${option} must be a number, or none (not "${text.slice(0, 40)}")`)
  return n
}

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 }

/** `90`, `90s`, `5m`, `1h`, `2d` → seconds. */
export function durationSeconds(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text)
  if (m === null)
    throw new Error(
      `--for must be a duration such as 90s, 5m, 1h or 2d (not "${text.slice(0, 40)}")`,
    )
  return Math.round(Number(m[1]) * (UNITS[(m[2] || 's').toLowerCase()] ?? 1))
}

/** `none` clears the filters (the last 7 days); otherwise read as `watchfloor export` reads it. */
function filtersOf(db: Store, filter: readonly string[] | undefined): Filters | null | undefined {
  if (filter === undefined) return undefined
  const text = filter.join(';')
  if (text.trim().toLowerCase() === 'none') return null
  return parseFilterOption(text, filterValues(db), Intl.DateTimeFormat().resolvedOptions().timeZone)
}

/** The rule the options describe over `base` (the rule being edited; nothing for a new one). */
function inputOf(db: Store, options: RuleOptions, base: AlertRule | null): unknown {
  const given: Record<string, unknown> = {
    name: options.name,
    metric: options.metric,
    comparator: options.comparator,
    warning: threshold('warning', options.warning),
    critical: threshold('critical', options.critical),
    recovery: threshold('recovery', options.recovery),
    forSeconds: options.for === undefined ? undefined : durationSeconds(options.for),
    filters: filtersOf(db, options.filter),
    message: options.message,
    enabled: options.disabled ? false : options.enabled ? true : undefined,
  }
  const kept: Partial<AlertRuleInput> =
    base === null
      ? {}
      : {
          name: base.name,
          metric: base.metric,
          comparator: base.comparator,
          warning: base.warning,
          critical: base.critical,
          recovery: base.recovery,
          forSeconds: base.forSeconds,
          filters: base.filters,
          message: base.message,
          enabled: base.enabled,
        }
  const input: Record<string, unknown> = { ...kept }
  for (const [key, value] of Object.entries(given)) if (value !== undefined) input[key] = value
  return input
}

/** The schema's words (the unknown-name sentences first), one line. */
function parsedRule(input: unknown) {
  const parsed = saveRuleInputSchema.safeParse(input)
  if (parsed.success) return parsed.data
  throw new Error(
    parsed.error.issues
      .map((i) => {
        const path = i.path.map(String).join('.')
        return i.code === 'custom' || path === '' ? i.message : `${path}: ${i.message}`
      })
      .join('; '),
  )
}

/** `7` → 7; anything else is refused before the cache is opened. */
export function ruleId(text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new Error(`a rule id is a whole number from 1 (not "${text.slice(0, 40)}")`)
  return n
}

const thresholdText = (r: AlertRule): string =>
  [
    r.warning === null ? null : `warning ${r.warning}`,
    r.critical === null ? null : `critical ${r.critical}`,
    r.recovery === null ? null : `recovery ${r.recovery}`,
  ]
    .filter((t) => t !== null)
    .join(', ')

/** A system metric describes the sync: no range applies to it. */
const rangeText = (r: AlertRule): string => {
  if (r.metric === 'sourceOfflineSeconds' || r.metric === 'syncLagSeconds') return ''
  if (r.filters === null) return ', range last7 (default)'
  const { range } = r.filters
  return `, range ${range.preset === 'custom' ? `${range.from}..${range.to}` : range.preset}`
}

/** One rule on one line: id, on/off, name, the condition, its duration and range. */
export function ruleLine(r: AlertRule): string {
  return `${String(r.id).padStart(4)}  ${r.enabled ? 'on ' : 'off'}  ${r.name}: ${r.metric} ${r.comparator} (${thresholdText(r)}) for ${r.forSeconds} s${rangeText(r)}${r.builtIn ? ' [default]' : ''}`
}

export function rulesList(options: RuleListOptions): void {
  const list = withRules(options.db, listRules)
  if (options.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`)
    return
  }
  if (list.rules.length === 0 && list.unreadable.length === 0)
    process.stdout.write('No alert rules. Add one with `watchfloor alerts rules add`.\n')
  for (const r of list.rules) process.stdout.write(`${ruleLine(r)}\n`)
  for (const u of list.unreadable)
    process.stdout.write(`${String(u.id).padStart(4)}  unreadable  ${u.name}: ${u.reason}\n`)
}

export function rulesAdd(options: RuleOptions): void {
  const missing = (['name', 'metric', 'comparator'] as const).filter(
    (o) => options[o] === undefined,
  )
  if (missing.length > 0)
    throw new Error(`a new rule needs ${missing.map((o) => `--${o}`).join(', ')}`)
  withRules(options.db, (db) => {
    const rule = saveRule(db, parsedRule(inputOf(db, options, null)), Date.now())
    process.stdout.write(`Added rule ${rule.id}:\n${ruleLine(rule)}\n`)
  })
}

export function rulesEdit(id: number, options: RuleOptions): void {
  withRules(options.db, (db) => {
    const base = getRule(db, id)
    if (base === null)
      throw new Error(`There is no alert rule ${id}; see \`watchfloor alerts rules list\`.`)
    const rule = saveRule(db, { ...parsedRule(inputOf(db, options, base)), id }, Date.now())
    process.stdout.write(`Changed rule ${rule.id}:\n${ruleLine(rule)}\n`)
  })
}

export function rulesSetEnabled(id: number, enabled: boolean, options: { db?: string }): void {
  withRules(options.db, (db) => {
    const rule = setRuleEnabled(db, id, enabled, Date.now())
    process.stdout.write(`${enabled ? 'Enabled' : 'Disabled'} rule ${rule.id}: ${rule.name}\n`)
  })
}

export function rulesDelete(id: number, options: { db?: string }): void {
  withRules(options.db, (db) => {
    deleteRule(db, id)
    process.stdout.write(`Deleted rule ${id}\n`)
  })
}
