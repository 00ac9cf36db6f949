import type { DashboardData } from '../../../shared/api/index.ts'
import type { IntelData } from '../hooks/use-intelligence.ts'

export interface ViewProps {
  /** The latest answer for this tab; null until the first one arrives. */
  readonly data: DashboardData | null
  /**
   * The tab's customer-intelligence answers (shared/api/views.ts `intelligence`); absent or
   * without a part until its first answer arrives.
   */
  readonly intel?: IntelData | undefined
}
