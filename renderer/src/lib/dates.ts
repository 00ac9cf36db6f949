import type { DateRange } from '../../../shared/api/index.ts'

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

export type PresetId = '7d' | '30d' | '90d' | 'ytd'

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

export const DEFAULT_PRESET: PresetId = '30d'

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
  const preset = rangePresets.find((p) => p.id === selection.preset)
  const span = preset === undefined ? lastDays(30)(anchor) : preset.span(anchor)
  return { ...span, timeZone }
}
