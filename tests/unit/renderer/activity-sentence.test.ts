// The Activity feed's sentences: one per event, in words, for every kind the
// stream carries, as the stream reader stores them and as the demo writes
// them; an unknown kind still reads as a sentence, never as JSON.
import { describe, expect, it } from 'vitest'
import type { ActivityEvent } from '../../../shared/api/index.ts'
import {
  describeEvent,
  dollarsToCents,
  leadName,
} from '../../../renderer/src/lib/activity-sentence.ts'

const event = (type: string, payload: unknown): ActivityEvent => ({
  id: '1793541600000-0',
  type,
  at: '2026-11-01T12:00:00.000Z',
  payload,
})

const lead = {
  id: 1234,
  tenant_id: 'demo',
  created_at: '2026-11-01T11:57:55.000Z',
  updated_at: '2026-11-01T12:00:00.000Z',
  deleted_at: null,
  source: 'Google LSA',
  city: 'Troy',
  segment: 'professional',
  temperature: 'hot',
  status: 'contacted',
  owner: 'Dana',
  first_response_at: '2026-11-01T12:00:00.000Z',
  converted_at: null,
  deal_value: null,
}
const change = (type: string, data: Record<string, unknown>, table = 'leads') =>
  event(type, { table, id: String(data.id), data })

/** No event's sentence may look like a payload. */
const notJson = (s: string) => expect(s).not.toMatch(/[{}[\]"]/)

describe('activity sentences', () => {
  it('says when and how fast a lead was answered', () => {
    const s = describeEvent(change('lead_updated', lead))
    expect(s.text).toBe('Lead L-1234 from Google LSA in Troy answered in 2 min 5 s')
    expect(s.label).toBe('Answered')
  })

  it('tells a won deal with its value, and one whose value is missing', () => {
    const won = { ...lead, status: 'won', converted_at: lead.updated_at, deal_value: '12400.00' }
    expect(describeEvent(change('lead_converted', won))).toMatchObject({
      text: 'Deal won: $12,400 with L-1234 from Google LSA in Troy',
      tone: 'good',
    })
    expect(describeEvent(change('lead_converted', { ...won, deal_value: null })).text).toBe(
      'Deal won: value not recorded with L-1234 from Google LSA in Troy',
    )
  })

  it('names new, lost, moved and deleted leads', () => {
    const fresh = { ...lead, status: 'new', first_response_at: null }
    expect(describeEvent(change('lead_created', fresh)).text).toBe(
      'New lead L-1234 from Google LSA in Troy (hot)',
    )
    expect(describeEvent(change('lead_updated', { ...lead, status: 'lost' }))).toMatchObject({
      text: 'Lead L-1234 from Google LSA in Troy lost',
      tone: 'bad',
    })
    expect(describeEvent(change('lead_updated', { ...lead, status: 'qualified' })).text).toBe(
      'Lead L-1234 from Google LSA in Troy moved to qualified',
    )
    expect(describeEvent(change('lead_deleted', lead)).text).toBe(
      'Lead L-1234 from Google LSA in Troy deleted',
    )
    // What the cache itself keeps (epoch ms) reads the same as upstream's ISO text.
    const ms = {
      ...lead,
      created_at: Date.parse(lead.created_at),
      first_response_at: Date.parse(lead.first_response_at),
    }
    expect(describeEvent(change('lead_updated', ms)).text).toContain('answered in 2 min 5 s')
  })

  it('describes appointments, projects and customers', () => {
    const booked = describeEvent(
      change(
        'appointment_booked',
        { id: 9, lead_id: 1234, scheduled_at: '2026-11-03T15:00:00.000Z', status: 'booked' },
        'appointments',
      ),
    )
    expect(booked.text).toMatch(/^Appointment booked with lead L-1234 for Nov 3, 2026/)
    expect(
      describeEvent(
        change('project_status_changed', { id: 77, value: '27000.50', status: 'completed' }),
      ).text,
    ).toBe('Project 77 ($27,001) completed')
    expect(
      describeEvent(change('project_status_changed', { id: 78, value: '100.00', status: 'active' }))
        .text,
    ).toBe('Project 78 ($100) started')
    expect(
      describeEvent(change('customer_created', { id: 5, name: 'Ada Brook', city: 'Troy' })).text,
    ).toBe('New customer Ada Brook in Troy')
  })

  it('shows an upstream alert by its message and severity', () => {
    const s = describeEvent(
      event('alert', {
        id: 'a-1',
        kind: 'lead_response',
        severity: 'critical',
        message: '12 leads have waited more than 120 s for a first response',
        value: 12,
      }),
    )
    expect(s).toEqual({
      label: 'Alert · critical',
      text: '12 leads have waited more than 120 s for a first response',
      tone: 'critical',
    })
    expect(describeEvent(event('alert', { kind: 'disk_full', severity: 'odd' }))).toMatchObject({
      text: 'Disk full alert',
      tone: 'info',
    })
  })

  it('puts an unknown event into words, its fields included, never as JSON', () => {
    const s = describeEvent(
      change('invoice_sent', { id: 31, amount: '120.00', paid: false, lines: [1, 2] }, 'invoices'),
    )
    expect(s.text).toBe('Invoice sent: table invoices, id 31, amount 120.00, paid no')
    notJson(s.text)
    expect(describeEvent(event('heartbeat', null)).text).toBe('Heartbeat')
    expect(describeEvent(event('note', 'Shift handed over to Sam')).text).toBe(
      'Note: Shift handed over to Sam',
    )
    // A known type with a payload it does not expect still reads as words.
    const odd = describeEvent(event('lead_updated', { nested: { a: 1 }, reason: 'merge' }))
    expect(odd.text).toBe('Lead updated: reason merge')
    notJson(describeEvent(event('', { '': '{"x":1}' })).text)
  })

  it('reads upstream dollars exactly and names leads', () => {
    expect(dollarsToCents('12400.00')).toBe(1_240_000)
    expect(dollarsToCents('0.07')).toBe(7)
    expect(dollarsToCents('-5.5')).toBe(-550)
    expect(dollarsToCents(19.99)).toBe(1999)
    expect(dollarsToCents('12,400')).toBeNull()
    expect(leadName(1234)).toBe('L-1234')
    expect(leadName('abc-9')).toBe('abc-9')
    expect(leadName(undefined)).toBe('a lead')
  })
})
