// The demo generator's options and dataset. The rows it yields are the
// mirror's own row types (main/store/mirror-rows.ts).
import type {
  LeadRow,
  CustomerRow,
  ProjectRow,
  AppointmentRow,
  MarketingChannelRow,
  RevenueTargetRow,
  MarketSegmentRow,
} from '../store/mirror-rows.ts'

export interface DemoOptions {
  /** PRNG seed; the same seed and `endAt` give byte-identical data. */
  readonly seed: number
  /** Number of leads, 1,000 to 1,000,000. */
  readonly leads: number
  /** The newest lead is created before this instant (epoch ms). */
  readonly endAt: number
  /** How many days of history the leads span (default 730). */
  readonly days?: number
  readonly tenantId?: string
}

/**
 * A whole demo dataset. Leads and the rows derived from them are produced
 * lazily, in id order, so a million leads never sit in memory at once.
 */
export interface DemoDataset {
  /** The options the dataset was generated from, defaults filled in. */
  readonly options: Readonly<Required<DemoOptions>>
  readonly marketingChannels: readonly MarketingChannelRow[]
  readonly marketSegments: readonly MarketSegmentRow[]
  readonly revenueTargets: readonly RevenueTargetRow[]
  /** Yields each lead with the customer, project and appointments it led to. */
  leads(): Generator<{
    lead: LeadRow
    customer: CustomerRow | null
    project: ProjectRow | null
    appointments: AppointmentRow[]
  }>
}
