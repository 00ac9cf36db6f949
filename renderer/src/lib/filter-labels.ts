import { FILTER_FIELDS, type FilterField } from '../../../shared/api/index.ts'
import type { Dimensions } from './url-state.ts'

/** What each filter field is called on screen: the checklists, the chips and their buttons. */
export const FILTER_FIELD_LABELS: Readonly<Record<FilterField, string>> = {
  source: 'Source',
  segment: 'Segment',
  city: 'City',
  temperature: 'Temperature',
  status: 'Status',
  owner: 'Owner',
}

/** One value of one field that is set: a chip in the filter bar. */
export interface FilterChip {
  readonly field: FilterField
  readonly value: string
  /** `Source: Nextdoor` */
  readonly label: string
}

/** Every value set, field by field in FILTER_FIELDS order, each in the order it was picked. */
export function chipsOf(dimensions: Dimensions): FilterChip[] {
  return FILTER_FIELDS.flatMap((field) =>
    (dimensions[field] ?? []).map((value: string) => ({
      field,
      value,
      label: `${FILTER_FIELD_LABELS[field]}: ${value}`,
    })),
  )
}
