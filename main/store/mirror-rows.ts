// Row shapes of the ops domain's mirror tables: exactly the columns of
// main/store/migrations/001-ops-mirror.ts, times in epoch milliseconds (UTC),
// money in integer cents. The store owns them; the sync writes them, metrics
// read them, the demo generator produces them.
import type { TEMPERATURES } from '../../shared/api/filters.ts'

export type Temperature = (typeof TEMPERATURES)[number]
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
