import { createContext, useContext } from 'react'
import { filtersSchema, type FilterField } from '../../../shared/api/index.ts'
import { activeDimensions, type Dimensions } from '../lib/url-state.ts'

/**
 * A value picked on a chart or a table (a bar, a slice, a funnel stage, a row), in the filter
 * field's own vocabulary: a channel's name is a `source`, a market's a `city`, a temperature one
 * of TEMPERATURES, a lead status one of LEAD_STATUSES (shared/api/filters.ts).
 */
export interface CrossFilterPick {
  readonly field: FilterField
  readonly value: string
}

/**
 * The dimensions once `pick` is added, or null when it changes nothing: the value is already
 * set, or it is not one the field can hold (a pick the contract would refuse must not reach the
 * link, where the whole filter set would be dropped as unreadable).
 */
export function withPick(dimensions: Dimensions, pick: CrossFilterPick): Dimensions | null {
  const current = (dimensions[pick.field] ?? []) as readonly string[]
  if (current.includes(pick.value)) return null
  const next = [...current, pick.value]
  if (!filtersSchema.shape[pick.field].safeParse(next).success) return null
  return activeDimensions({ ...dimensions, [pick.field]: next })
}

/** Given by the app: adds the picked value as a filter chip on every dashboard. */
export const CrossFilterContext = createContext<((pick: CrossFilterPick) => void) | null>(null)

const ignore = (): void => undefined

/** The app's cross-filter, or nothing where there is none (wall mode has no filters). */
export function useCrossFilter(): (pick: CrossFilterPick) => void {
  return useContext(CrossFilterContext) ?? ignore
}
