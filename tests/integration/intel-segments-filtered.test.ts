// Segments under the global filters (issue 16), over the real api: a cache of hand-built leads in
// two planted groups (hot, valued and answered in a minute; cold, unvalued, never answered), the
// core in its own process and the browser host's socket. After a recompute, intel.segments under
// each filter set answers every segment's size, share, revenue, revenue share and conversion
// exactly as counted here by hand from the same rows, and its scatter holds exactly the matching
// leads, each in its group's segment. The ranges are read in Asia/Kolkata (UTC+5:30), so the
// range's first and last days are partial UTC days (the rows) around whole ones (the rollup).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCore } from '../../main/core/spawn-core.ts'
import { startHost } from '../../main/host/server.ts'
import { openStore } from '../../main/store/index.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import type { Filters, IntelStatus, SegmentsResult } from '../../shared/api/index.ts'
import { HostApi } from '../support/host-client.ts'
import { insertLeads, lead } from '../support/leads.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const temp = tempDir('watchfloor-intel-filtered-')
const cleanups: (() => Promise<void>)[] = []

const HOUR = 3_600_000
const BASE = Date.UTC(2026, 5, 1) // 2026-06-01T00:00Z
const END = BASE + 11 * 24 * HOUR
const GROUP_A = 60
const N = 100
const SOURCES = ['Google LSA', 'Yelp', 'Nextdoor']

/** Leads 1..100 every 2.4 h from June 1st: the first 60 hot and valued, the rest cold. */
function plantedLeads(): LeadRow[] {
  const rows: LeadRow[] = []
  for (let i = 0; i < N; i++) {
    const created = BASE + i * 2.4 * HOUR + 7 * 60_000
    const a = i < GROUP_A
    rows.push(
      lead({
        id: i + 1,
        created_at: created,
        // One last change for all: every lead is as recent as the next.
        updated_at: END,
        source: SOURCES[i % 3]!,
        city: (i >> 1) % 2 === 0 ? 'Troy' : 'Novi',
        segment: i % 7 === 0 ? 'premium' : 'professional',
        owner: i % 5 === 0 ? 'Lee' : 'Dana',
        temperature: a ? 'hot' : 'cold',
        status: a
          ? (['won', 'lost', 'new', 'contacted'] as const)[i % 4]!
          : (['lost', 'new', 'won'] as const)[i % 3]!,
        first_response_at: a ? created + 60_000 : null,
        deal_value_cents: a ? 1_000_000 + i * 1_000 : null,
      }),
    )
  }
  return rows
}

const rows = plantedLeads()
const groupOf = (r: LeadRow): 0 | 1 => (r.id <= GROUP_A ? 0 : 1)

/** Kolkata is UTC+5:30 all year: its local midnight of `day` in UTC. */
const kolkataMidnight = (day: string): number => Date.parse(`${day}T00:00:00Z`) - 5.5 * HOUR

type Dims = Omit<Filters, 'range'>

/** What intel.segments must answer for the rows created in [start, end) on `dims`, by hand. */
function expected(start: number, end: number, dims: Dims) {
  const matches = rows.filter(
    (r) =>
      r.created_at >= start &&
      r.created_at < end &&
      (['source', 'segment', 'city', 'temperature', 'status', 'owner'] as const).every((f) => {
        const list = dims[f] as readonly string[] | undefined
        return list === undefined || list.length === 0 || list.includes(r[f])
      }),
  )
  const revenue = (rs: LeadRow[]) =>
    rs.reduce((s, r) => s + (r.status === 'won' ? (r.deal_value_cents ?? 0) : 0), 0)
  const all = revenue(matches)
  const segments = [0, 1].map((g) => {
    const mine = matches.filter((r) => groupOf(r) === g)
    const won = mine.filter((r) => r.status === 'won').length
    const lost = mine.filter((r) => r.status === 'lost').length
    return {
      id: g,
      size: mine.length,
      share: matches.length > 0 ? mine.length / matches.length : 0,
      revenueCents: revenue(mine),
      revenueShare: all > 0 ? revenue(mine) / all : null,
      conversion: won + lost > 0 ? won / (won + lost) : null,
    }
  })
  return {
    segments,
    matched: matches.length,
    points: matches.map((r) => ({ leadId: r.id, segmentId: groupOf(r) })),
  }
}

let api: HostApi

beforeAll(async () => {
  const dbPath = join(temp.dir, 'planted.sqlite')
  const db = openStore(dbPath)
  insertLeads(db, rows)
  db.close()
  const staticDir = join(temp.dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
  const core = await spawnCore({ dbPath, demo: null, version: 'test', watchIntervalMs: 60_000 })
  const host = await startHost({ core, staticDir, port: 0 })
  cleanups.push(async () => {
    await host.close()
    await core.close()
  })
  api = await HostApi.open(host.url)
  cleanups.push(() => Promise.resolve(api.close()))
  await api.call<IntelStatus>('intel.recompute', { force: true })
  await until(
    'the recompute to end',
    async () => {
      const status = await api.call<IntelStatus>('intel.status', {})
      if (status.state === 'failed') throw new Error(`recompute failed: ${status.result ?? ''}`)
      return status.state === 'done' && status.computedAt !== null
    },
    120_000,
  )
}, 180_000)

afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
  temp.cleanup()
})

const segmentsUnder = (filters?: Filters) =>
  api.call<SegmentsResult>('intel.segments', {
    maxPoints: 100,
    ...(filters ? { filters } : {}),
  })

describe('segments under the global filters', () => {
  it('finds the two planted groups over every lead', async () => {
    const all = await segmentsUnder()
    expect(all).toMatchObject({ availability: 'ready', k: 2, rows: N, filters: null })
    expect(all.segments.map((s) => s.size)).toEqual([GROUP_A, N - GROUP_A])
    // The hot, valued group is segment 0 (the larger), by its centroid.
    const temperature = all.segments[0]!.centroid.find((c) => c.feature === 'temperature')
    expect(temperature!.z).toBeGreaterThan(0)
  })

  const start = kolkataMidnight('2026-06-03')
  const end = kolkataMidnight('2026-06-08') // through June 7th
  const range = { preset: 'custom', from: '2026-06-03', to: '2026-06-07', timeZone: 'Asia/Kolkata' }
  const cases: [string, Dims][] = [
    ['no dimension (whole days from the rollup, partial ones from the rows)', {}],
    ['two sources and closed statuses', { source: ['Yelp', 'Nextdoor'], status: ['won', 'lost'] }],
    ['one city, hot', { city: ['Novi'], temperature: ['hot'] }],
    ['one owner and a market segment', { owner: ['Lee'], segment: ['premium', 'professional'] }],
    ['an owner no lead has', { owner: ['Nobody'] }],
  ]
  for (const [name, dims] of cases) {
    it(`counts each segment among the matching leads exactly: ${name}`, async () => {
      const filters = { range, ...dims } as Filters
      const answer = await segmentsUnder(filters)
      const want = expected(start, end, dims)
      if (dims.owner?.[0] !== 'Nobody') expect(want.matched).toBeGreaterThan(0)
      expect(answer.filters).toEqual(filters)
      expect(answer.pointsTotal).toBe(want.matched)
      expect(
        answer.segments.map((s) => ({
          id: s.id,
          size: s.size,
          share: s.share,
          revenueCents: s.revenueCents,
          revenueShare: s.revenueShare,
          conversion: s.conversion,
        })),
      ).toEqual(want.segments)
      // Every matching lead on the scatter (fewer than its 100 points), in its group's segment.
      expect(
        answer.points
          .map((p) => ({ leadId: p.leadId, segmentId: p.segmentId }))
          .sort((a, b) => a.leadId - b.leadId),
      ).toEqual(want.points)
    })
  }

  it('over a range holding every lead, adds up to the unfiltered answer', async () => {
    const all = await segmentsUnder()
    const wide = await segmentsUnder({
      range: {
        preset: 'custom',
        from: '2026-05-01',
        to: '2026-07-31',
        timeZone: 'America/New_York',
      },
    })
    expect(wide.pointsTotal).toBe(N)
    expect(wide.segments.map((s) => [s.size, s.revenueCents, s.conversion])).toEqual(
      all.segments.map((s) => [s.size, s.revenueCents, s.conversion]),
    )
    expect(wide.points).toHaveLength(N)
  })
})
