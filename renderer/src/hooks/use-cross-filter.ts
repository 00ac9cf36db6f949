import { createContext, useContext } from 'react'
import type { FilterField } from '../../../shared/api/index.ts'

/** A value picked on a chart or a table (a bar, a slice, a funnel stage, a row). */
export interface CrossFilterPick {
  readonly field: FilterField
  readonly value: string
}

/** Given by the app: adds the picked value as a filter chip on every dashboard. */
export const CrossFilterContext = createContext<((pick: CrossFilterPick) => void) | null>(null)

const ignore = (): void => undefined

/** The app's cross-filter, or nothing where there is none (wall mode has no filters). */
export function useCrossFilter(): (pick: CrossFilterPick) => void {
  return useContext(CrossFilterContext) ?? ignore
}
