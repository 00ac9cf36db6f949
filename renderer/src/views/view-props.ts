import type { DashboardData } from '../../../shared/api/index.ts'

export interface ViewProps {
  /** The latest answer for this tab; null until the first one arrives. */
  readonly data: DashboardData | null
}
