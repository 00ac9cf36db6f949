// Alert rules in the words and units people think in (issue 13: "rules can be created, edited,
// enabled and deleted in the app"). A rule stores a metric's raw value — seconds, a fraction of 1
// (25 % is 0.25), integer cents — as the KPI registry keeps it; the rules view shows and takes
// thresholds as the page writes values elsewhere (shared/format/): "480 s", "85.0 %", "$12,340".
// Pure, so tests/unit/renderer/alert-rules.test.ts checks it under Node. Whether a rule is valid
// is the core's to say (main/alerts/rules-store.ts); this only converts and words.
import {
  ALERT_METRIC_KPI,
  MESSAGE_PLACEHOLDERS,
  SYSTEM_METRICS,
  FILTER_FIELDS,
  RANGE_PRESET_LABELS,
  alertRuleInputSchema,
  type AlertComparator,
  type AlertMetric,
  type AlertRule,
  type AlertRuleSpec,
  type FilterField,
  type KpiDefinition,
  type RangeFilter,
  type SaveRuleInput,
} from '../../../shared/api/index.ts'
import {
  FILTER_FIELD_LABELS,
  formatDuration,
  formatInteger,
  formatKpiValue,
} from '../../../shared/format/index.ts'

/** The unit a threshold is typed in: seconds, percent (of a fraction), dollars (of cents), a count. */
export type EntryUnit = 'seconds' | 'percent' | 'dollars' | 'count'

/** How one metric is named and entered. */
export interface MetricWords {
  readonly metric: AlertMetric
  /** The registry's label for a KPI; our own words for the system values. */
  readonly label: string
  readonly unit: EntryUnit
  /** Written beside the input: "s", "%", "$", "" (a count). */
  readonly unitWord: string
  /** Whether a filter set applies (the system values describe the sync, not the data). */
  readonly takesFilters: boolean
}

/** Metrics that are not a registry KPI, in words. */
const OWN_WORDS: Readonly<Partial<Record<AlertMetric, { label: string; unit: EntryUnit }>>> = {
  unprofitableChannels: { label: 'Unprofitable channels', unit: 'count' },
  sourceOfflineSeconds: { label: 'Longest source offline', unit: 'seconds' },
  syncLagSeconds: { label: 'Sync lag', unit: 'seconds' },
}

const UNIT_WORD: Readonly<Record<EntryUnit, string>> = {
  seconds: 's',
  percent: '%',
  dollars: '$',
  count: '',
}

function entryUnitOf(def: Pick<KpiDefinition, 'unit'>): EntryUnit {
  switch (def.unit) {
    case 'seconds':
      return 'seconds'
    case 'fraction':
    case 'percent':
      return 'percent'
    case 'cents':
      return 'dollars'
    case 'count':
      return 'count'
  }
}

/**
 * A metric's words: the registry's label and unit where it is a KPI (`definitions` from
 * `kpis.definitions`; before they arrive, or without the KPI, the metric's own name and a count).
 */
export function metricWords(
  metric: AlertMetric,
  definitions: readonly KpiDefinition[] | null,
): MetricWords {
  const kpi = ALERT_METRIC_KPI[metric]
  const def = kpi === undefined ? undefined : definitions?.find((d) => d.id === kpi)
  const own = OWN_WORDS[metric]
  const unit = def !== undefined ? entryUnitOf(def) : (own?.unit ?? 'count')
  return {
    metric,
    label: def?.label ?? own?.label ?? metric,
    unit,
    unitWord: UNIT_WORD[unit],
    takesFilters: !SYSTEM_METRICS.has(metric),
  }
}

/** Float noise of a scaled value (85 / 100 = 0.85, 0.07 × 100 = 7.000000000000001) rounded off. */
const clean = (x: number): number => Number(x.toPrecision(12))

/**
 * The stored value of a threshold typed in `unit`: a percent of a fraction is divided by 100, the
 * registry's percent unit ('percent', 25 = 25 %) stays as it is, dollars become whole cents.
 */
export function toStored(
  value: number,
  unit: EntryUnit,
  kpiUnit: KpiDefinition['unit'] | null = null,
): number {
  switch (unit) {
    case 'percent':
      return kpiUnit === 'percent' ? value : clean(value / 100)
    case 'dollars':
      return Math.round(value * 100)
    case 'seconds':
    case 'count':
      return value
  }
}

/** A stored threshold in the unit it is typed in (the reverse of toStored). */
export function fromStored(
  value: number,
  unit: EntryUnit,
  kpiUnit: KpiDefinition['unit'] | null = null,
): number {
  switch (unit) {
    case 'percent':
      return kpiUnit === 'percent' ? value : clean(value * 100)
    case 'dollars':
      return clean(value / 100)
    case 'seconds':
    case 'count':
      return value
  }
}

/**
 * A threshold field's text read as a number in its unit: blank is no threshold (null); "1,200",
 * "$1,200" and "85 %" are read as the person meant them; anything else is a sentence naming it.
 */
export function readEntry(
  text: string,
  field: string,
): { ok: true; value: number | null } | { ok: false; message: string } {
  const bare = text.trim().replace(/^\$/, '').replace(/%$/, '').replaceAll(',', '').trim()
  if (bare === '') return { ok: true, value: null }
  const value = Number(bare)
  if (!Number.isFinite(value))
    return { ok: false, message: `The ${field} "${text.trim().slice(0, 40)}" is not a number.` }
  return { ok: true, value }
}

/** A stored value as the page writes it elsewhere: "480 s", "85.0 %", "$12,340", "10 min", "3". */
export function valueWords(
  value: number,
  metric: AlertMetric,
  definitions: readonly KpiDefinition[] | null,
): string {
  const kpi = ALERT_METRIC_KPI[metric]
  const def = kpi === undefined ? undefined : definitions?.find((d) => d.id === kpi)
  if (def !== undefined) return formatKpiValue(def, value)
  // The system values are durations people read in minutes and hours ("offline for 10 min").
  if (metricWords(metric, null).unit === 'seconds') return formatDuration(value)
  return formatInteger(value)
}

const COMPARATOR_WORD: Readonly<Record<AlertComparator, string>> = {
  '>': 'above',
  '>=': 'at or above',
  '<': 'below',
  '<=': 'at or below',
}

/** "above", "at or below": a comparator read aloud. */
export const comparatorWords = (c: AlertComparator): string => COMPARATOR_WORD[c]

/** The good side of a comparator, for the recovery: back "at or below" after "above". */
const RECOVERY_WORD: Readonly<Record<AlertComparator, string>> = {
  '>': 'at or below',
  '>=': 'at or below',
  '<': 'at or above',
  '<=': 'at or above',
}

/**
 * A rule's condition in words: "Warning above 480 s, critical above 960 s; resolves at or below
 * 432 s". The for-duration and filters are worded apart (forWords, filterSetWords).
 */
export function conditionWords(
  rule: Pick<AlertRuleSpec, 'metric' | 'comparator' | 'warning' | 'critical' | 'recovery'>,
  definitions: readonly KpiDefinition[] | null,
): string {
  const v = (x: number) => valueWords(x, rule.metric, definitions)
  const when = comparatorWords(rule.comparator)
  const parts: string[] = []
  if (rule.warning !== null) parts.push(`warning ${when} ${v(rule.warning)}`)
  if (rule.critical !== null) parts.push(`critical ${when} ${v(rule.critical)}`)
  const text = parts.join(', ')
  const sentence = text.charAt(0).toUpperCase() + text.slice(1)
  return rule.recovery === null
    ? sentence
    : `${sentence}; resolves ${RECOVERY_WORD[rule.comparator]} ${v(rule.recovery)}`
}

/** "for 15 min", "at once": how long the condition must hold before the rule fires. */
export function forWords(forSeconds: number): string {
  return forSeconds === 0 ? 'at once' : `for ${formatDuration(forSeconds)}`
}

/** The form's for-duration in minutes (up to three decimals: a 2 s rule reads 0.033). */
export const minutesOf = (forSeconds: number): number => Math.round((forSeconds / 60) * 1000) / 1000

/** Minutes typed in the form as whole seconds, as a rule keeps them. */
export const secondsOf = (minutes: number): number => Math.round(minutes * 60)

/** A rule's filter set in words: "Last 30 days · Source: Yelp, Google LSA"; none: last 7 days. */
export function filterSetWords(filters: AlertRuleSpec['filters']): string {
  if (filters === null) return 'Last 7 days (no filters)'
  const range =
    filters.range.preset === 'custom'
      ? `${filters.range.from} – ${filters.range.to}`
      : RANGE_PRESET_LABELS[filters.range.preset]
  const parts = [range]
  for (const field of FILTER_FIELDS) {
    const values = filters[field]
    if (values !== undefined && values.length > 0)
      parts.push(`${FILTER_FIELD_LABELS[field]}: ${values.join(', ')}`)
  }
  return parts.join(' · ')
}

/**
 * Whether this page may change rules, judged before any write from where it was loaded: the host
 * refuses the writes to any peer but this machine (main/host/admin-calls.ts), so a page loaded
 * from another name than loopback is read-only. The desktop app (Electron IPC) always may. A `forbidden`
 * answer to a write settles it either way.
 */
export function mayChangeRules(transport: 'electron' | 'websocket', hostname: string): boolean {
  if (transport === 'electron') return true
  const host = hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

// ---- The form ------------------------------------------------------------------------------

/** The rule form as typed: thresholds and the for-duration as text in the units shown. */
export interface RuleDraft {
  /** The rule it edits; none: a new rule. */
  readonly id?: number | undefined
  readonly name: string
  readonly metric: AlertMetric
  readonly comparator: AlertComparator
  readonly warning: string
  readonly critical: string
  readonly recovery: string
  readonly forMinutes: string
  /** Whether the rule has a filter set (off: the core's default, the last 7 days). */
  readonly filtered: boolean
  /** The range kept as the rule has it (a custom range of an edited rule stays as it is). */
  readonly range: RangeFilter
  readonly dimensions: { readonly [K in FilterField]?: readonly string[] }
  readonly message: string
  readonly enabled: boolean
}

/** The message a rule gets when none is typed: the schema's own default. */
export const DEFAULT_RULE_MESSAGE: string = alertRuleInputSchema.shape.message.parse(undefined)

/** The placeholders a message may use, filled in when the alert fires. */
export { MESSAGE_PLACEHOLDERS }

/** A blank rule on the first metric, its filter set (when turned on) the last 30 days in `timeZone`. */
export function newDraft(timeZone: string): RuleDraft {
  return {
    name: '',
    metric: 'averageResponseSeconds',
    comparator: '>',
    warning: '',
    critical: '',
    recovery: '',
    forMinutes: '0',
    filtered: false,
    range: { preset: 'last30', timeZone },
    dimensions: {},
    message: DEFAULT_RULE_MESSAGE,
    enabled: true,
  }
}

function kpiUnitOf(
  metric: AlertMetric,
  definitions: readonly KpiDefinition[],
): KpiDefinition['unit'] | null {
  const kpi = ALERT_METRIC_KPI[metric]
  return definitions.find((d) => d.id === kpi)?.unit ?? null
}

/** An existing rule as the form shows it, its thresholds in the metric's shown unit. */
export function draftOf(
  rule: AlertRule,
  definitions: readonly KpiDefinition[],
  timeZone: string,
): RuleDraft {
  const { unit } = metricWords(rule.metric, definitions)
  const kpiUnit = kpiUnitOf(rule.metric, definitions)
  const text = (x: number | null) => (x === null ? '' : String(fromStored(x, unit, kpiUnit)))
  const dimensions: { [K in FilterField]?: readonly string[] } = {}
  for (const field of FILTER_FIELDS) {
    const values = rule.filters?.[field]
    if (values !== undefined) dimensions[field] = values
  }
  return {
    id: rule.id,
    name: rule.name,
    metric: rule.metric,
    comparator: rule.comparator,
    warning: text(rule.warning),
    critical: text(rule.critical),
    recovery: text(rule.recovery),
    forMinutes: String(minutesOf(rule.forSeconds)),
    filtered: rule.filters !== null,
    range: rule.filters?.range ?? { preset: 'last30', timeZone },
    dimensions,
    message: rule.message,
    enabled: rule.enabled,
  }
}

/**
 * The form as `rules.save` takes it: thresholds converted to stored values, minutes to seconds,
 * the filter set with its non-empty fields. Only unreadable numbers are refused here; whether the
 * rule makes sense is the core's to say, in its sentences.
 */
export function inputOf(
  draft: RuleDraft,
  definitions: readonly KpiDefinition[],
): { ok: true; input: SaveRuleInput } | { ok: false; message: string } {
  const { unit, takesFilters } = metricWords(draft.metric, definitions)
  const kpiUnit = kpiUnitOf(draft.metric, definitions)
  const numbers: Record<'warning' | 'critical' | 'recovery' | 'forMinutes', number | null> = {
    warning: null,
    critical: null,
    recovery: null,
    forMinutes: null,
  }
  for (const [key, words] of [
    ['warning', 'warning threshold'],
    ['critical', 'critical threshold'],
    ['recovery', 'recovery'],
    ['forMinutes', 'for-duration'],
  ] as const) {
    const read = readEntry(draft[key], words)
    if (!read.ok) return read
    numbers[key] = read.value
  }
  const stored = (x: number | null) => (x === null ? null : toStored(x, unit, kpiUnit))
  const filters: Record<string, unknown> = { range: draft.range }
  for (const field of FILTER_FIELDS) {
    const values = draft.dimensions[field]
    if (values !== undefined && values.length > 0) filters[field] = [...values]
  }
  return {
    ok: true,
    input: {
      ...(draft.id === undefined ? {} : { id: draft.id }),
      name: draft.name,
      metric: draft.metric,
      comparator: draft.comparator,
      warning: stored(numbers.warning),
      critical: stored(numbers.critical),
      recovery: stored(numbers.recovery),
      forSeconds: secondsOf(numbers.forMinutes ?? 0),
      filters: draft.filtered && takesFilters ? (filters as SaveRuleInput['filters']) : null,
      message: draft.message,
      enabled: draft.enabled,
    },
  }
}
