// Filters in words, on the page (the chips of the filter bar) and in a report (its "filters"
// line): the same field names and the same range words, so an export states exactly what the
// screen was filtered by.
import {
  FILTER_FIELDS,
  RANGE_PRESET_LABELS,
  type DateRange,
  type FilterField,
  type Filters,
  type RangeFilter,
} from '../api/index.ts'
import { formatDayRange } from './dates.ts'

/** What each filter field is called on screen: the checklists, the chips and their buttons. */
export const FILTER_FIELD_LABELS: Readonly<Record<FilterField, string>> = {
  source: 'Source',
  segment: 'Segment',
  city: 'City',
  temperature: 'Temperature',
  status: 'Status',
  owner: 'Owner',
}

/** The values set on each field, as the page holds them (url-state's Dimensions). */
export type FilterDimensions = { readonly [K in FilterField]?: readonly string[] | undefined }

/** One value of one field that is set: a chip in the filter bar. */
export interface FilterChip {
  readonly field: FilterField
  readonly value: string
  /** `Source: Nextdoor` */
  readonly label: string
}

/** Every value set, field by field in FILTER_FIELDS order, each in the order it was picked. */
export function chipsOf(dimensions: FilterDimensions): FilterChip[] {
  return FILTER_FIELDS.flatMap((field) =>
    (dimensions[field] ?? []).map((value: string) => ({
      field,
      value,
      label: `${FILTER_FIELD_LABELS[field]}: ${value}`,
    })),
  )
}

/** What a range filter is called: the preset's label ("Last 90 days") or "Custom range". */
export function rangeName(filter: RangeFilter): string {
  return filter.preset === 'custom' ? 'Custom range' : RANGE_PRESET_LABELS[filter.preset]
}

/**
 * The range in words, its days as the charts' subtitles write them and how it was picked:
 * "Sep 1, 2026 – Nov 30, 2026 (Last 90 days)"; a custom range is its days alone.
 */
export function rangeWords(filter: RangeFilter, days: DateRange): string {
  const span = formatDayRange(days)
  return filter.preset === 'custom' ? span : `${span} (${RANGE_PRESET_LABELS[filter.preset]})`
}

/**
 * Every active filter in words, range first: ["Last 90 days: Sep 1, 2026 – Nov 30, 2026",
 * "Time zone: Europe/London", "Source: Google LSA, Yelp"]. A field's values keep the order they
 * were picked in; an empty list restricts nothing (as on the page) and is left out.
 */
export function filterWords(filters: Filters, days: DateRange): string[] {
  const out = [
    `${rangeName(filters.range)}: ${formatDayRange(days)}`,
    `Time zone: ${days.timeZone}`,
  ]
  for (const field of FILTER_FIELDS) {
    const values = filters[field]
    if (values !== undefined && values.length > 0) {
      out.push(`${FILTER_FIELD_LABELS[field]}: ${values.join(', ')}`)
    }
  }
  return out
}
