import type {
  DateRange,
  RangeFilter,
  RangePreset as ContractPreset,
} from '../../../shared/api/index.ts'

/** A calendar day `YYYY-MM-DD`, as the contract's ranges carry them. */
export type Day = string

const DAY_MS = 86_400_000

/** The browser's zone, sent with every range so the core buckets days as the viewer sees them. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

const pad = (n: number): string => String(n).padStart(2, '0')

/** The local calendar day of an instant. */
export function dayOf(instant: Date): Day {
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}`
}

export function isDay(value: string): value is Day {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
}

/** Calendar arithmetic in UTC so a daylight-saving change never skips or repeats a day. */
export function addDays(day: Day, days: number): Day {
  const [y = 1970, m = 1, d = 1] = day.split('-').map(Number)
  const shifted = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS)
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`
}

export type PresetId = '7d' | '30d' | '90d' | 'ytd' | 'today' | 'yesterday' | 'mtd' | 'qtd'

export interface RangePreset {
  readonly id: PresetId
  readonly label: string
  readonly span: (anchor: Day) => { from: Day; to: Day }
}

const lastDays =
  (n: number) =>
  (anchor: Day): { from: Day; to: Day } => ({ from: addDays(anchor, -(n - 1)), to: anchor })

export const rangePresets: readonly RangePreset[] = [
  { id: '7d', label: 'Last 7 days', span: lastDays(7) },
  { id: '30d', label: 'Last 30 days', span: lastDays(30) },
  { id: '90d', label: 'Last 90 days', span: lastDays(90) },
  {
    id: 'ytd',
    label: 'Year to date',
    span: (anchor) => ({ from: `${anchor.slice(0, 4)}-01-01`, to: anchor }),
  },
]

/** Presets without a button of their own: reachable from a link (the contract names them). */
const linkOnlyPresets: readonly RangePreset[] = [
  { id: 'today', label: 'Today', span: lastDays(1) },
  {
    id: 'yesterday',
    label: 'Yesterday',
    span: (a) => ({ from: addDays(a, -1), to: addDays(a, -1) }),
  },
  { id: 'mtd', label: 'Month to date', span: (a) => ({ from: `${a.slice(0, 7)}-01`, to: a }) },
  {
    id: 'qtd',
    label: 'Quarter to date',
    span: (a) => {
      const month = Math.floor((Number(a.slice(5, 7)) - 1) / 3) * 3 + 1
      return { from: `${a.slice(0, 4)}-${pad(month)}-01`, to: a }
    },
  },
]

export const DEFAULT_PRESET: PresetId = '30d'

/** The contract's preset names (shared/api/filters.ts), as a link carries them. */
const contractNames: Record<PresetId, ContractPreset> = {
  '7d': 'last7',
  '30d': 'last30',
  '90d': 'last90',
  ytd: 'ytd',
  today: 'today',
  yesterday: 'yesterday',
  mtd: 'mtd',
  qtd: 'qtd',
}

/** A selection as the contract's range filter: a preset by name, a custom range by its days. */
export function toRangeFilter(selection: RangeSelection, timeZone: string): RangeFilter {
  return selection.kind === 'custom'
    ? { preset: 'custom', from: selection.from, to: selection.to, timeZone }
    : { preset: contractNames[selection.preset], timeZone }
}

export function fromRangeFilter(range: RangeFilter): RangeSelection {
  if (range.preset === 'custom') return { kind: 'custom', from: range.from, to: range.to }
  const id = (Object.keys(contractNames) as PresetId[]).find(
    (k) => contractNames[k] === range.preset,
  )
  return { kind: 'preset', preset: id ?? DEFAULT_PRESET }
}

/** What the viewer picked: a preset that rolls with the data, or fixed days. */
export type RangeSelection =
  | { readonly kind: 'preset'; readonly preset: PresetId }
  | { readonly kind: 'custom'; readonly from: Day; readonly to: Day }

/**
 * Presets end on the day of the newest cached data rather than on today: a laptop that has been
 * offline for a week, or the demo data set, still opens on a range that holds data.
 */
export function anchorDay(dataAsOf: string | null, now: Date = new Date()): Day {
  return dayOf(dataAsOf === null ? now : new Date(dataAsOf))
}

export function resolveRange(selection: RangeSelection, anchor: Day, timeZone: string): DateRange {
  if (selection.kind === 'custom') return { from: selection.from, to: selection.to, timeZone }
  const preset = [...rangePresets, ...linkOnlyPresets].find((p) => p.id === selection.preset)
  const span = preset === undefined ? lastDays(30)(anchor) : preset.span(anchor)
  return { ...span, timeZone }
}
