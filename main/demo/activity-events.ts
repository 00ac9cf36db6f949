// The demo's activity history: the events a live Redis stream would have
// delivered (main/sync/redis/stream-events.ts) for the demo leads during the
// last DEMO_EVENT_DAYS before the demo ends, so the Activity feed reads like a
// live one on demo data. Only the recent days are written: the feed shows the
// newest events, and a million-lead demo's full history (about 3 million
// events) would double the fill for pages nobody reads.
//
// Each event is stored exactly as the stream reader stores one
// (main/sync/redis/stream-store.ts): payload `{ table, id, data }`, `data` the
// row as upstream types it (ISO times, dollars as exact strings, see
// main/demo/upstream.ts), as it stood after that event.
import { DAY_MS } from './domain.ts'
import { centsToDollars } from './money.ts'
import type { AppointmentRow, LeadRow, ProjectRow } from '../store/mirror-rows.ts'

/** Days of activity before the demo's end that `demo fill` writes as events. */
export const DEMO_EVENT_DAYS = 7

/** A row of the `events` table (main/store/migrations/001-ops-mirror.ts). */
export interface EventRow {
  readonly stream_id: string
  readonly tenant_id: string
  readonly type: string
  readonly at: number
  readonly payload: string
}

export interface DemoItem {
  readonly lead: LeadRow
  readonly project: ProjectRow | null
  readonly appointments: readonly AppointmentRow[]
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/**
 * Event kinds, numbered so a stream id `<at>-<lead id × KINDS + kind>` is unique
 * (two leads can change in the same millisecond) and sorts like Redis ids do.
 */
const KIND = {
  created: 0,
  answered: 1,
  outcome: 2,
  deleted: 3,
  project: 4,
  appointment: 5,
} as const
const KINDS = 8

/** The first instant whose events `demo fill` writes, for a demo ending at `endAt`. */
export function demoEventsFrom(endAt: number): number {
  return endAt - DEMO_EVENT_DAYS * DAY_MS
}

/**
 * Calls `emit` for each event of one demo lead (and its appointments and
 * project) at or after `from`. Cheap for the many leads with nothing that
 * recent: their last change is read first.
 */
export function demoLeadEvents(item: DemoItem, from: number, emit: (e: EventRow) => void): void {
  const { lead, project, appointments } = item
  if (lead.updated_at < from && (project === null || project.updated_at < from)) return
  const tenant = lead.tenant_id
  const event = (kind: number, type: string, at: number, table: string, id: number, data: object) =>
    emit({
      stream_id: `${at}-${lead.id * KINDS + kind}`,
      tenant_id: tenant,
      type,
      at,
      payload: JSON.stringify({ table, id: String(id), data }),
    })
  // The lead as it stood after each step of its path (generator.ts): new, then
  // answered (contacted), then its outcome. Each time is formatted once: ISO
  // formatting is most of this function's cost.
  const createdAt = iso(lead.created_at)
  const answered = lead.first_response_at
  const answeredAt = iso(answered)
  const created = {
    id: lead.id,
    tenant_id: tenant,
    created_at: createdAt,
    updated_at: createdAt,
    deleted_at: null,
    source: lead.source,
    city: lead.city,
    segment: lead.segment,
    temperature: lead.temperature,
    status: 'new',
    owner: lead.owner,
    first_response_at: null,
    converted_at: null,
    deal_value: null,
  }
  if (lead.created_at >= from) {
    event(KIND.created, 'lead_created', lead.created_at, 'leads', lead.id, created)
  }
  if (answered !== null && answered >= from) {
    event(KIND.answered, 'lead_updated', answered, 'leads', lead.id, {
      ...created,
      updated_at: answeredAt,
      status: 'contacted',
      first_response_at: answeredAt,
    })
  }
  // A lost lead's outcome time is its last update, unless a later deletion moved that.
  const outcomeAt =
    lead.converted_at ??
    (lead.status === 'lost' && lead.deleted_at === null ? lead.updated_at : null)
  if (outcomeAt !== null && outcomeAt >= from) {
    const won = lead.status === 'won'
    event(KIND.outcome, won ? 'lead_converted' : 'lead_updated', outcomeAt, 'leads', lead.id, {
      ...created,
      updated_at: iso(outcomeAt),
      status: lead.status,
      first_response_at: answeredAt,
      converted_at: iso(lead.converted_at),
      deal_value: lead.deal_value_cents === null ? null : centsToDollars(lead.deal_value_cents),
    })
  }
  if (lead.deleted_at !== null && lead.deleted_at >= from) {
    event(KIND.deleted, 'lead_deleted', lead.deleted_at, 'leads', lead.id, {
      ...created,
      updated_at: iso(lead.deleted_at),
      deleted_at: iso(lead.deleted_at),
      status: lead.status,
    })
  }
  // The first appointment only: a second one would need another kind number.
  const visit = appointments[0]
  if (visit !== undefined && visit.created_at >= from) {
    event(KIND.appointment, 'appointment_booked', visit.created_at, 'appointments', visit.id, {
      id: visit.id,
      tenant_id: tenant,
      lead_id: lead.id,
      scheduled_at: iso(visit.scheduled_at),
      status: 'booked',
      created_at: iso(visit.created_at),
      updated_at: iso(visit.created_at),
      deleted_at: null,
    })
  }
  // A project's last change (started, completed or cancelled); one planned
  // since the win was announced by the win itself.
  if (project !== null && project.status !== 'planned' && project.updated_at >= from) {
    event(KIND.project, 'project_status_changed', project.updated_at, 'projects', project.id, {
      id: project.id,
      tenant_id: tenant,
      customer_id: project.customer_id,
      value: centsToDollars(project.value_cents),
      status: project.status,
      started_at: iso(project.started_at),
      completed_at: iso(project.completed_at),
      created_at: iso(project.created_at),
      updated_at: iso(project.updated_at),
      deleted_at: null,
    })
  }
}
