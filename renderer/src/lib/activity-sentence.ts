// One sentence per activity event, in words a person reads at a glance ("Lead
// L-1234 from Google LSA answered in 2 min 5 s"), never its payload as JSON.
// Events arrive as the stream reader stores them (main/sync/redis/stream-store.ts):
// a change is `{ table, id, data }` with `data` the row as upstream types it
// (ISO times, dollars as exact strings, main/demo/upstream.ts); an upstream
// alert is `{ id, kind, severity, message, value }`. Anything else, or a
// field missing, still reads as a sentence.
import type { ActivityEvent, AlertSeverity } from '../../../shared/api/index.ts'
import { formatDateTime, formatDuration, formatMoney } from './format.ts'

export type ActivityTone = 'neutral' | 'good' | 'bad' | AlertSeverity

export interface ActivitySentence {
  /** A short label for the kind of event ("Lead", "Deal won", "Alert · critical"). */
  readonly label: string
  readonly text: string
  readonly tone: ActivityTone
}

type Fields = Readonly<Record<string, unknown>>

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : null

/** An instant as upstream sends it (ISO text) or as the cache keeps it (epoch ms). */
const instant = (value: unknown): number | null => {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN
  return Number.isFinite(ms) ? ms : null
}

/** Dollars as upstream's exact `numeric` text ("12400.00") or a number, in integer cents. */
export function dollarsToCents(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 100) : null
  if (typeof value !== 'string') return null
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim())
  if (m === null) return null
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'))
  return m[1] === '-' ? -cents : cents
}

/** "L-1234" for a numeric lead id (the demo's and upstream's bigint keys), the id itself otherwise. */
export function leadName(id: unknown): string {
  const shown = text(id)
  if (shown === null) return 'a lead'
  return /^\d+$/.test(shown) ? `L-${shown}` : shown
}

/** "from Google LSA in Troy", or as much of it as the row says. */
function origin(lead: Fields): string {
  const source = text(lead.source)
  const city = text(lead.city)
  return [source === null ? '' : ` from ${source}`, city === null ? '' : ` in ${city}`].join('')
}

const words = (name: string): string => name.replaceAll('_', ' ').trim()
const capital = (s: string): string => (s === '' ? s : s[0]?.toUpperCase() + s.slice(1))

function leadSentence(type: string, id: unknown, lead: Fields): ActivitySentence | null {
  const who = `Lead ${leadName(lead.id ?? id)}`
  const where = origin(lead)
  const status = text(lead.status)
  switch (type) {
    case 'lead_created': {
      const temperature = text(lead.temperature)
      return {
        label: 'New lead',
        text: `New lead ${leadName(lead.id ?? id)}${where}${temperature === null ? '' : ` (${temperature})`}`,
        tone: 'neutral',
      }
    }
    case 'lead_converted': {
      const cents = dollarsToCents(lead.deal_value)
      const customer = text(lead.customer_name)
      const value = cents === null ? 'value not recorded' : formatMoney(cents)
      return {
        label: 'Deal won',
        text: `Deal won: ${value} with ${customer ?? leadName(lead.id ?? id)}${where}`,
        tone: 'good',
      }
    }
    case 'lead_deleted':
      return { label: 'Lead', text: `${who}${where} deleted`, tone: 'neutral' }
    case 'lead_updated': {
      const created = instant(lead.created_at)
      const answered = instant(lead.first_response_at)
      if (status === 'contacted' && created !== null && answered !== null && answered >= created) {
        return {
          label: 'Answered',
          text: `${who}${where} answered in ${formatDuration((answered - created) / 1000)}`,
          tone: 'neutral',
        }
      }
      if (status === 'lost') return { label: 'Lost', text: `${who}${where} lost`, tone: 'bad' }
      if (status === 'won') return { label: 'Deal won', text: `${who}${where} won`, tone: 'good' }
      return {
        label: 'Lead',
        text: status === null ? `${who}${where} updated` : `${who}${where} moved to ${status}`,
        tone: 'neutral',
      }
    }
    default:
      return null
  }
}

function appointmentSentence(type: string, row: Fields): ActivitySentence | null {
  const lead = row.lead_id === undefined ? '' : ` with lead ${leadName(row.lead_id)}`
  const when = instant(row.scheduled_at)
  const at = when === null ? '' : ` for ${formatDateTime(new Date(when).toISOString())}`
  const status = text(row.status)
  if (type === 'appointment_booked' || status === 'booked') {
    return { label: 'Appointment', text: `Appointment booked${lead}${at}`, tone: 'neutral' }
  }
  if (type !== 'appointment_updated') return null
  const outcome = status === null ? 'updated' : words(status).replace('no show', 'a no-show')
  return {
    label: 'Appointment',
    text: `Appointment${lead}${at} ${status === 'no_show' ? 'was' : 'is'} ${outcome}`,
    tone: status === 'no_show' || status === 'cancelled' ? 'bad' : 'neutral',
  }
}

function projectSentence(type: string, id: unknown, row: Fields): ActivitySentence | null {
  if (type !== 'project_status_changed' && type !== 'project_updated') return null
  const cents = dollarsToCents(row.value)
  const name = `Project ${text(row.id ?? id) ?? ''}`.trim()
  const value = cents === null ? '' : ` (${formatMoney(cents)})`
  const status = text(row.status)
  const verb =
    status === 'active'
      ? 'started'
      : status === null
        ? 'updated'
        : status === 'planned'
          ? 'planned'
          : words(status)
  return {
    label: 'Project',
    text: `${name}${value} ${verb}`,
    tone: status === 'cancelled' ? 'bad' : status === 'completed' ? 'good' : 'neutral',
  }
}

function customerSentence(type: string, row: Fields): ActivitySentence | null {
  if (type !== 'customer_created' && type !== 'customer_updated') return null
  const name = text(row.name) ?? 'a customer'
  const city = text(row.city)
  const where = city === null ? '' : ` in ${city}`
  return type === 'customer_created'
    ? { label: 'Customer', text: `New customer ${name}${where}`, tone: 'good' }
    : { label: 'Customer', text: `Customer ${name}${where} updated`, tone: 'neutral' }
}

const SEVERITIES: readonly string[] = ['info', 'warning', 'critical'] satisfies AlertSeverity[]

function alertSentence(alert: Fields): ActivitySentence {
  const severity = (
    SEVERITIES.includes(String(alert.severity)) ? alert.severity : 'info'
  ) as AlertSeverity
  const message = text(alert.message) ?? `${capital(words(text(alert.kind) ?? 'alert'))} alert`
  return { label: `Alert · ${severity}`, text: message, tone: severity }
}

/** Text that is itself a document (a payload stored as text): not something to read out. */
const looksLikeJson = (s: string): boolean => /^\s*[[{]/.test(s)

/** Scalar fields in words: "status ready, id 12". Nested values, documents and long texts are left out. */
function fieldWords(fields: Fields, limit = 6): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(fields)) {
    if (parts.length === limit) break
    if (key.trim() === '' || key === 'tenant' || key === 'tenant_id') continue
    const shown =
      typeof value === 'boolean' ? (value ? 'yes' : 'no') : value === null ? null : text(value)
    if (shown === null || shown.length > 80 || looksLikeJson(shown)) continue
    parts.push(`${words(key)} ${shown}`)
  }
  return parts.join(', ')
}

/** The sentence for any event: known kinds in their own words, others with their fields in words. */
export function describeEvent(event: ActivityEvent): ActivitySentence {
  const payload = event.payload
  if (event.type === 'alert' && isRecord(payload)) return alertSentence(payload)
  const data = isRecord(payload) && isRecord(payload.data) ? payload.data : null
  const id = isRecord(payload) ? payload.id : undefined
  if (data !== null) {
    const known =
      leadSentence(event.type, id, data) ??
      appointmentSentence(event.type, data) ??
      projectSentence(event.type, id, data) ??
      customerSentence(event.type, data)
    if (known !== null) return known
  }
  // Unknown: the type in words, then what it carries.
  const title = capital(words(event.type)) || 'Event'
  const details =
    typeof payload === 'string'
      ? looksLikeJson(payload)
        ? ''
        : payload.length > 200
          ? `${payload.slice(0, 200)}…`
          : payload
      : fieldWords({ ...(isRecord(payload) ? payload : {}), ...data })
  return {
    label: title,
    text: details === '' ? title : `${title}: ${details}`,
    tone: 'neutral',
  }
}
