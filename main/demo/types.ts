// Row shapes of the ops domain as the demo generator produces them: exactly the
// columns of the SQLite mirror tables (main/store/migrations/001-ops-mirror.ts),
// times in epoch milliseconds (UTC), money in integer cents.

export type Temperature = 'hot' | 'warm' | 'cold'
export type LeadStatus = 'new' | 'contacted' | 'qualified' | 'proposal' | 'won' | 'lost'

export interface LeadRow {
  id: number
  tenant_id: string
  created_at: number
  updated_at: number
  deleted_at: number | null
  source: string
  city: string
  segment: string
  temperature: Temperature
  status: LeadStatus
  owner: string
  first_response_at: number | null
  converted_at: number | null
  deal_value_cents: number | null
}

export interface CustomerRow {
  id: number
  tenant_id: string
  lead_id: number | null
  name: string
  city: string
  segment: string
  created_at: number
  updated_at: number
  deleted_at: number | null
}

export interface ProjectRow {
  id: number
  tenant_id: string
  customer_id: number
  value_cents: number
  status: 'planned' | 'active' | 'completed' | 'cancelled'
  started_at: number | null
  completed_at: number | null
  created_at: number
  updated_at: number
  deleted_at: number | null
}

export interface AppointmentRow {
  id: number
  tenant_id: string
  lead_id: number
  scheduled_at: number
  status: 'booked' | 'completed' | 'no_show' | 'cancelled'
  created_at: number
  updated_at: number
  deleted_at: number | null
}

export interface MarketingChannelRow {
  id: number
  tenant_id: string
  name: string
  cost_per_lead_cents: number
  conversion_target: number
  monthly_spend_cents: number | null
  updated_at: number
  deleted_at: number | null
}

export interface RevenueTargetRow {
  id: number
  tenant_id: string
  /** `YYYY-MM` */
  month: string
  target_cents: number
  updated_at: number
  deleted_at: number | null
}

export interface MarketSegmentRow {
  id: number
  tenant_id: string
  name: string
  /** JSON array of city names */
  cities: string
  target_deal_size_cents: number
  updated_at: number
  deleted_at: number | null
}

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
