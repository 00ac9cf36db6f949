// The demo's activity history (main/demo/activity-events.ts): what `demo fill`
// writes to `events` is consistent with the leads it writes, shaped like the
// stream reader's own rows, and only from the demo's last days.
import { describe, expect, it } from 'vitest'
import { DEMO_EVENT_DAYS, demoEventsFrom } from '../../main/demo/activity-events.ts'
import { DAY_MS } from '../../main/demo/domain.ts'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { activityPage } from '../../main/metrics/index.ts'
import { openStore } from '../../main/store/index.ts'

const END_AT = Date.UTC(2026, 10, 1, 12)

interface Stored {
  stream_id: string
  tenant_id: string
  type: string
  at: number
  payload: string
}

describe('demo activity events', () => {
  const db = openStore(':memory:')
  const result = fillCache(db, generateDemo({ seed: 11, leads: 20_000, endAt: END_AT }))
  const events = db.prepare('SELECT * FROM events ORDER BY at').all() as Stored[]

  it('fills the feed with the last days of the demo, and nothing older or later', () => {
    expect(result.events).toBe(events.length)
    // 20,000 leads over two years is about 27 a day: a week holds hundreds of events.
    expect(events.length).toBeGreaterThan(300)
    const from = demoEventsFrom(END_AT)
    expect(from).toBe(END_AT - DEMO_EVENT_DAYS * DAY_MS)
    for (const e of events) {
      expect(e.at).toBeGreaterThanOrEqual(from)
      expect(e.at).toBeLessThanOrEqual(END_AT)
    }
    const types = new Set(events.map((e) => e.type))
    for (const t of ['lead_created', 'lead_updated', 'lead_converted', 'appointment_booked'])
      expect(types).toContain(t)
  })

  it('tells what happened to the leads in the cache, as the stream would have', () => {
    const lead = db.prepare('SELECT * FROM leads WHERE id = ?')
    for (const e of events) {
      expect(e.stream_id).toMatch(/^\d+-\d+$/)
      expect(Number(e.stream_id.split('-')[0])).toBe(e.at)
      expect(e.tenant_id).toBe('demo')
      const payload = JSON.parse(e.payload) as {
        table: string
        id: string
        data: Record<string, unknown>
      }
      if (payload.table !== 'leads') continue
      const row = lead.get(Number(payload.id)) as Record<string, unknown>
      expect(row).toBeDefined()
      expect(payload.data.source).toBe(row.source)
      expect(payload.data.city).toBe(row.city)
      if (e.type === 'lead_created') expect(Date.parse(String(payload.data.created_at))).toBe(e.at)
      if (e.type === 'lead_converted') {
        expect(row.status).toBe('won')
        expect(row.converted_at).toBe(e.at)
        const cents = row.deal_value_cents as number | null
        expect(payload.data.deal_value).toBe(cents === null ? null : (cents / 100).toFixed(2))
      }
      if (e.type === 'lead_updated' && payload.data.status === 'contacted') {
        expect(row.first_response_at).toBe(e.at)
      }
    }
  })

  it('is the same on every fill of the same seed, and pages through the feed without repeats', () => {
    const again = openStore(':memory:')
    fillCache(again, generateDemo({ seed: 11, leads: 20_000, endAt: END_AT }))
    expect(again.prepare('SELECT * FROM events ORDER BY at').all()).toEqual(events)
    again.close()

    const seen = new Set<string>()
    let before: string | undefined
    let last = Number.POSITIVE_INFINITY
    for (;;) {
      const page = activityPage(db, 200, before)
      for (const e of page.events) {
        expect(seen.has(e.id)).toBe(false)
        seen.add(e.id)
        expect(Date.parse(e.at)).toBeLessThanOrEqual(last)
        last = Date.parse(e.at)
      }
      if (page.next === null) break
      before = page.next
    }
    expect(seen.size).toBe(events.length)
  })
})
