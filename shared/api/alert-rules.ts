// Local alert rules (issue 13): the vocabulary, once. A rule watches one value
// of the catalog below under an optional filter set, compares it with a warning
// and a critical threshold, must hold for `forSeconds` before it fires, and
// resolves only once the value is back past the recovery threshold
// (hysteresis), so a value flapping around the line notifies once. Rules are
// kept in SQLite (alert_rules); each one's state and history too
// (alert_state, alert_history). The engine (main/alerts/), the api, the CLI,
// the tray and the page read these names, never their own.
import { z } from 'zod'
import { FILTER_FIELDS, filtersSchema } from './filters.ts'
import type { KpiId } from './kpis.ts'

/**
 * What a rule can watch. KPI values come from the KPI registry (their label, unit and good
 * direction are the registry's); the system values describe the sync, not the data.
 */
export const ALERT_METRICS = [
  // KPIs of the registry, computed under the rule's filters.
  'averageResponseSeconds',
  'medianResponseSeconds',
  'shareUnderTarget',
  'conversionRate',
  'leads',
  'conversions',
  'revenueBooked',
  /** Revenue booked this month ÷ the month's target pro rata (1 = on track). */
  'monthProgress',
  /** Channels whose return on spend is negative in the range. */
  'unprofitableChannels',
  // The system.
  /** Seconds the longest-offline source has been offline (0 when every source is up). */
  'sourceOfflineSeconds',
  /** Seconds since the newest change reached the cache from a live upstream. */
  'syncLagSeconds',
] as const
export type AlertMetric = (typeof ALERT_METRICS)[number]

/** The metrics that describe the sync, not the data: a rule on them takes no filters. */
export const SYSTEM_METRICS: ReadonlySet<AlertMetric> = new Set<AlertMetric>([
  'sourceOfflineSeconds',
  'syncLagSeconds',
])

/** What a rule's message template may name: `{name}`, `{value}`, … */
export const MESSAGE_PLACEHOLDERS = ['name', 'value', 'threshold', 'severity', 'metric'] as const

/** Metrics that are a registry KPI: their words, unit and direction come from the registry. */
export const ALERT_METRIC_KPI: Readonly<Partial<Record<AlertMetric, KpiId>>> = {
  averageResponseSeconds: 'averageResponseSeconds',
  medianResponseSeconds: 'medianResponseSeconds',
  shareUnderTarget: 'shareUnderTarget',
  conversionRate: 'conversionRate',
  leads: 'leads',
  conversions: 'conversions',
  revenueBooked: 'revenueBooked',
  monthProgress: 'monthProgress',
}

export const ALERT_COMPARATORS = ['>', '>=', '<', '<='] as const
export type AlertComparator = (typeof ALERT_COMPARATORS)[number]

/** How loud a local alert is while it fires. */
export const RULE_SEVERITIES = ['warning', 'critical'] as const
export type RuleSeverity = (typeof RULE_SEVERITIES)[number]

/** ok → pending (condition holds, not yet for long enough) → firing → resolved (→ ok). */
export const ALERT_STATES = ['ok', 'pending', 'firing', 'resolved'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/** Longest `for` duration a rule may ask: a week. */
export const MAX_FOR_SECONDS = 7 * 24 * 3600
/** Most rules a cache keeps; a save past it is refused with a sentence. */
export const RULE_LIMIT = 500
/** Longest rule name and message template, in characters. */
export const RULE_NAME_MAX = 120
export const RULE_MESSAGE_MAX = 500

const threshold = z.number().finite().min(-1e12).max(1e12)

/**
 * A rule as saved. At least one of `warning` and `critical`; with both, critical lies beyond
 * warning in the comparator's direction. `recovery` (default: the lowest threshold itself) lies
 * on the good side of it: the alert resolves only once the value is back past it.
 * `message` is a template: {name} {value} {threshold} {severity} {metric} are filled in.
 */
export const alertRuleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(RULE_NAME_MAX),
    metric: z.enum(ALERT_METRICS),
    comparator: z.enum(ALERT_COMPARATORS),
    warning: threshold.nullable().default(null),
    critical: threshold.nullable().default(null),
    recovery: threshold.nullable().default(null),
    forSeconds: z.int().min(0).max(MAX_FOR_SECONDS).default(0),
    /** The filters the KPI is computed under (a range preset and dimensions); none: the last 7 days. */
    filters: filtersSchema.nullable().default(null),
    message: z
      .string()
      .max(RULE_MESSAGE_MAX)
      .default('{name}: {metric} is {value} ({severity} at {threshold})'),
    enabled: z.boolean().default(true),
  })
  .strict()
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>
export type AlertRuleSpec = z.output<typeof alertRuleInputSchema>

export interface AlertRule extends AlertRuleSpec {
  readonly id: number
  /** Whether it is one of the shipped default rules (editable, deletable like any other). */
  readonly builtIn: boolean
  readonly createdAt: string
  readonly updatedAt: string
}

/** One alert as the panel, the tray, the wall banner and the CLI list it. */
export interface AlertView {
  /** `rule:<id>` for a local rule, `upstream:<id>` for an upstream alert. */
  readonly key: string
  readonly origin: 'local' | 'upstream'
  readonly ruleId: number | null
  readonly name: string
  readonly state: AlertState
  /** The severity while firing (upstream: its own; `info` only upstream). */
  readonly severity: RuleSeverity | 'info' | null
  /** The message with its template filled. */
  readonly message: string
  readonly value: number | null
  /** ISO time it entered its state. */
  readonly since: string
  readonly acknowledgedAt: string | null
  readonly silencedUntil: string | null
  /** The tab that shows it (its KPI's dashboard; Health for the system metrics). */
  readonly view: string
}

/** One transition, as history keeps it. */
export interface AlertTransition {
  readonly id: number
  readonly key: string
  readonly name: string
  readonly from: AlertState | null
  readonly to: AlertState
  readonly severity: RuleSeverity | 'info' | null
  readonly value: number | null
  readonly at: string
  readonly message: string
}

/** The worst thing the tray shows: firing critical > firing warning > a source offline > ok. */
export const TRAY_STATES = ['ok', 'warning', 'critical', 'offline'] as const
export type TrayState = (typeof TRAY_STATES)[number]

/** Said when a rule names a metric the catalog does not have. */
export const unknownMetricSentence = (name: string): string =>
  `There is no metric called "${name}"; a rule watches one of: ${ALERT_METRICS.join(', ')}.`

// ---- Managing rules (api `rules.*`, CLI `watchfloor alerts rules`) -----------------------

const FILTER_KEYS = ['range', ...FILTER_FIELDS] as const

/**
 * The names a rule uses that nobody has, as sentences naming them (issue 13: "a rule naming an
 * unknown KPI or field is refused with that sentence"), read from the raw input before the
 * schema, whose own words for these ("Invalid option", "Unrecognized key") name no choice.
 */
export function unknownRuleNames(raw: unknown): { path: string; message: string }[] {
  if (typeof raw !== 'object' || raw === null) return []
  const problems: { path: string; message: string }[] = []
  const { metric, filters } = raw as { metric?: unknown; filters?: unknown }
  if (typeof metric === 'string' && !(ALERT_METRICS as readonly string[]).includes(metric))
    problems.push({ path: 'metric', message: unknownMetricSentence(metric.slice(0, 60)) })
  if (typeof filters === 'object' && filters !== null && !Array.isArray(filters)) {
    for (const key of Object.keys(filters).slice(0, 10)) {
      if (!(FILTER_KEYS as readonly string[]).includes(key))
        problems.push({
          path: `filters.${key.slice(0, 60)}`,
          message: `A rule cannot filter on "${key.slice(0, 60)}"; the filter fields are ${FILTER_KEYS.join(', ')}.`,
        })
    }
  }
  return problems
}

/** A rule's row id. */
export const ruleIdSchema = z.int().min(1).max(Number.MAX_SAFE_INTEGER)

const saveRuleFields = alertRuleInputSchema.extend({
  /** The rule to replace; none: a new rule. */
  id: ruleIdSchema.optional(),
})

/**
 * `rules.save`: a rule as saved, and the id of the one it replaces. Unknown names are refused
 * first, with the sentences of unknownRuleNames; typed as the schema it wraps.
 */
export const saveRuleInputSchema = z.preprocess((raw, ctx) => {
  for (const problem of unknownRuleNames(raw))
    ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path.split('.') })
  return raw
}, saveRuleFields) as unknown as z.ZodType<
  z.output<typeof saveRuleFields>,
  z.input<typeof saveRuleFields>
>
export type SaveRuleInput = z.input<typeof saveRuleFields>

export const ruleRefSchema = z.object({ id: ruleIdSchema }).strict()
export const setRuleEnabledInputSchema = z
  .object({ id: ruleIdSchema, enabled: z.boolean() })
  .strict()

/** A stored rule this build can no longer read (a renamed metric, a damaged filter): why. */
export interface UnreadableRule {
  readonly id: number
  /** Its stored name, as far as it could be read. */
  readonly name: string
  readonly reason: string
}

export interface AlertRuleList {
  /** By name, case-insensitively. */
  readonly rules: readonly AlertRule[]
  readonly unreadable: readonly UnreadableRule[]
}

// Its refusal sentence lives with every other in roles.ts (one home of who may call what).
