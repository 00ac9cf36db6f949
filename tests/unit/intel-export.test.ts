// The customer-intelligence tabs' reports (issue 16, main/export/): a Segments, Journeys or Lead
// scores export holds exactly the tables the tab shows, read from the same stored results and the
// same filters as the api's answers (main/intelligence/read.ts, journeys.ts), on a real cache
// file filled by the demo loader and recomputed in-process.
import { describe, expect, it } from 'vitest'
import type { Report } from '../../main/export/report.ts'
import { buildReport } from '../../main/export/summary.ts'
import { recompute } from '../../main/intelligence/compute.ts'
import { ensureJourneys, journeys } from '../../main/intelligence/journeys.ts'
import { callFirst, leadScores, segmentsResult } from '../../main/intelligence/read.ts'
import {
  VIEW_EXPORT_DATASETS,
  exportStartSchema,
  type ExportStart,
  type Filters,
} from '../../shared/api/index.ts'
import { NOW, clock, rowsOf, useDemoCache } from '../support/export-cache.ts'

const cache = useDemoCache('watchfloor-intel-export-', { seed: 16, leads: 4000, days: 300 })

const LAST_90: Filters = { range: { preset: 'last90', timeZone: 'UTC' } }
const ONE_SOURCE: Filters = { ...LAST_90, source: ['Facebook Ads'] }

const request = (start: Omit<ExportStart, 'format'>) =>
  exportStartSchema.parse({ format: 'xlsx', ...start })

function report(view: 'segments' | 'journeys' | 'scores', filters: Filters): Report {
  return buildReport(cache.db, request({ view, filters }), clock, () => [])
}

describe('an intelligence tab’s report', () => {
  it('holds the tab’s own tables by default', () => {
    // What the core does once a cache is open (the stage history) and after a sync (the results).
    ensureJourneys(cache.db)
    recompute(cache.db, { force: true, now: () => NOW.getTime() })
    for (const view of ['segments', 'journeys', 'scores'] as const)
      expect(report(view, LAST_90).datasets.map((d) => d.id)).toEqual(VIEW_EXPORT_DATASETS[view])
  })

  it('Segments: every segment with its size, shares and conversion, as the api answers', () => {
    const api = segmentsResult(cache.db, 100, LAST_90, NOW)
    expect(api.availability).toBe('ready')
    const [table] = report('segments', LAST_90).datasets
    expect(table?.id).toBe('customerSegments')
    const rows = rowsOf(table!)
    expect(rows.map((r) => r.slice(0, 6))).toEqual(
      api.segments.map((s) => [
        s.name,
        s.size,
        s.share,
        s.revenueCents / 100,
        s.revenueShare,
        s.conversion,
      ]),
    )
    // A column per centroid feature, as standardised values.
    expect(table!.columns.length).toBe(6 + (api.segments[0]?.centroid.length ?? 0))
  })

  it('Journeys: every step with its leads and median stay under the filters', () => {
    for (const filters of [LAST_90, ONE_SOURCE]) {
      const api = journeys(cache.db, filters, NOW)
      const [steps, leads] = report('journeys', filters).datasets
      expect(steps?.id).toBe('journeySteps')
      expect(rowsOf(steps!).map((r) => r.slice(0, 4))).toEqual(
        api.edges.map((e) => [e.from, e.to, e.count, e.medianMs / 1000]),
      )
      const slow = rowsOf(steps!)
        .filter((r) => r[4] === 'yes')
        .map((r) => `${r[0]}>${r[1]}`)
      expect(slow.sort()).toEqual(api.slowest.map((e) => `${e.from}>${e.to}`).sort())
      // The leads table beside it is the journey's leads: those created in the range.
      expect(leads?.rowCount).toBe(api.leads)
    }
  })

  it('Lead scores: the open leads in the order to call them, with their scores', () => {
    const api = callFirst(cache.db, ONE_SOURCE, 10_000, NOW)
    expect(api.rows.length).toBeGreaterThan(0)
    const [list] = report('scores', ONE_SOURCE).datasets
    expect(list?.id).toBe('callFirst')
    const rows = rowsOf(list!)
    expect(rows.length).toBe(api.openLeads)
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual(
      api.rows.map((r) => [r.priority, String(r.leadId), r.score, r.expectedValueCents / 100]),
    )
    // Each row says what drove its score (or that the baseline's order is followed).
    for (const row of rows) expect(String(row[4])).not.toBe('')
  })

  it('Leads: an open lead carries its score, as intel.leadScores gives it; a closed lead none', () => {
    const [, leads] = report('scores', ONE_SOURCE).datasets
    expect(leads?.id).toBe('leads')
    const col = (key: string) => leads!.columns.findIndex((c) => c.key === key)
    const rows = rowsOf(leads!)
    const open = rows.filter((r) => r[col('status')] !== 'won' && r[col('status')] !== 'lost')
    const closed = rows.filter((r) => r[col('status')] === 'won' || r[col('status')] === 'lost')
    expect(open.length).toBeGreaterThan(0)
    expect(closed.length).toBeGreaterThan(0)
    for (const r of closed) expect(r[col('score')]).toBeNull()
    const ids = open.slice(0, 500).map((r) => Number(r[col('id')]))
    const api = new Map(leadScores(cache.db, ids).scores.map((s) => [s.leadId, s.score]))
    expect(api.size).toBe(ids.length)
    for (const r of open.slice(0, 500)) expect(r[col('score')]).toBe(api.get(Number(r[col('id')])))
  })
})
