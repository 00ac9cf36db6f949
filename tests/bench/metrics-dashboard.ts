// The KPI catalog on a big cache: every dashboard's KPI set through the
// rollups, against the same numbers computed by straightforward SQL over the
// raw leads in the same run; and the cost of rollup maintenance on the sync
// path: batches of 10k upserts per transaction, each row's before image read
// and recorded in a rollup batch flushed before the commit, against the same
// upserts alone; and the initial load: the rows without upkeep followed by
// rebuildRollups, against the load alone.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import {
  beginRollupBatch,
  createScope,
  dashboard,
  rebuildRollups,
  rebuildRollupsInSlices,
} from '../../main/metrics/index.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { DASHBOARDS, type DashboardName, type Filters } from '../../shared/api/index.ts'

export interface MetricsBench {
  leads: number
  /** p50 / p95 ms per dashboard and filter set, through the rollups. */
  dashboards: {
    name: string
    filter: string
    p50: number
    p95: number
    /**
     * The same calls' CPU time on this thread (process.cpuUsage): on a shared machine the wall
     * time includes waiting for a core, which the CPU time does not.
     */
    cpuP50: number
    cpuP95: number
    rawP50: number
    ratio: number
  }[]
  /** p50 / p95 ms per dashboard where the rollups answer only in part (no raw baseline). */
  rawOnly: { name: string; filter: string; p50: number; p95: number }[]
  /** Sync path: upserts with a rollup batch per transaction vs upserts alone. */
  maintenance: { onSeconds: number; offSeconds: number; ratio: number }
  /** Initial load: upserts alone, then one rebuild; ratio = (load + rebuild) / load. */
  initialLoad: { loadSeconds: number; rebuildSeconds: number; ratio: number }
  /**
   * The same rebuild in slices (rebuildRollupsInSlices, as the core's maintenance job runs it):
   * its length, and the longest time it holds the thread (a scan slice, a write slice).
   */
  slicedRebuild: { seconds: number; slices: number; longestScanMs: number; writeMs: number }
}

const END_AT = Date.parse('2026-11-01T12:00:00Z')
/** Viewers' zones: whole hours with DST, half an hour, 45 minutes. */
const ZONES = ['Europe/London', 'Asia/Kolkata', 'Australia/Eucla'] as const
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN

function time(fn: () => void, runs: number, cpu: number[] = []): number[] {
  fn()
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage()
    const t = performance.now()
    fn()
    out.push(performance.now() - t)
    const used = process.cpuUsage(c)
    cpu.push((used.user + used.system) / 1000)
  }
  return out
}

function runDashboard(db: Store, filters: Filters, name: DashboardName, raw: boolean): void {
  const clock = () => new Date(END_AT)
  if (!raw) {
    dashboard(db, { filters, dashboards: [name], maxPoints: 500, activityLimit: 50 }, clock)
    return
  }
  // Straightforward SQL: the same catalog forced onto the raw tables.
  db.prepare('UPDATE rollup_state SET valid = 0').run()
  try {
    createScope(db, filters, { raw: true })
    dashboard(db, { filters, dashboards: [name], maxPoints: 500, activityLimit: 50 }, clock)
  } finally {
    db.prepare('UPDATE rollup_state SET valid = 1').run()
  }
}

const upsertSql = `INSERT INTO leads (id, tenant_id, created_at, updated_at, deleted_at, source, city,
  segment, temperature, status, owner, first_response_at, converted_at, deal_value_cents)
  VALUES (@id, @tenant_id, @created_at, @updated_at, @deleted_at, @source, @city, @segment,
  @temperature, @status, @owner, @first_response_at, @converted_at, @deal_value_cents)
  ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, deleted_at = excluded.deleted_at,
  status = excluded.status, first_response_at = excluded.first_response_at,
  converted_at = excluded.converted_at, deal_value_cents = excluded.deal_value_cents`

/**
 * The same upserts into two fresh files, batch by batch in lockstep: one with
 * a rollup batch per transaction (each row's before image read and recorded,
 * flushed before the commit), one without. Interleaving the batches puts both
 * sides under the same machine load (the bench hosts are shared), which
 * sequential runs did not.
 */
function applyBoth(dir: string, rows: LeadRow[]): { onSeconds: number; offSeconds: number } {
  const on = openStore(join(dir, 'on.sqlite'))
  const off = openStore(join(dir, 'off.sqlite'))
  try {
    const upsertOn = on.prepare(upsertSql)
    const upsertOff = off.prepare(upsertSql)
    const read = on.prepare('SELECT * FROM leads WHERE id = ?')
    let onMs = 0
    let offMs = 0
    for (let i = 0; i < rows.length; i += 10_000) {
      const end = Math.min(i + 10_000, rows.length)
      let t = performance.now()
      off.transaction(() => {
        for (let j = i; j < end; j++) upsertOff.run(rows[j])
      })()
      offMs += performance.now() - t
      t = performance.now()
      on.transaction(() => {
        const batch = beginRollupBatch(on)
        for (let j = i; j < end; j++) {
          const row = rows[j] as LeadRow
          const before = (read.get(row.id) as LeadRow | undefined) ?? null
          upsertOn.run(row)
          batch.record(before, row)
        }
        batch.flush()
      })()
      onMs += performance.now() - t
    }
    return { onSeconds: onMs / 1000, offSeconds: offMs / 1000 }
  } finally {
    on.close()
    off.close()
  }
}

/** Maintenance on vs off on the sync path, the initial load's rebuild, and a rebuild in slices. */
export async function benchRollupMaintenance(
  dir: string,
  rows: LeadRow[],
): Promise<Pick<MetricsBench, 'maintenance' | 'initialLoad' | 'slicedRebuild'>> {
  const { onSeconds, offSeconds } = applyBoth(dir, rows)
  const db = openStore(join(dir, 'off.sqlite'))
  let rebuildSeconds: number
  const scans: number[] = []
  let writeMs = 0
  let slicedSeconds: number
  try {
    let start = performance.now()
    rebuildRollups(db)
    rebuildSeconds = (performance.now() - start) / 1000
    start = performance.now()
    await rebuildRollupsInSlices(db, {
      onSlice: (ms, what) => {
        if (what === 'scan') scans.push(ms)
        else writeMs = Math.max(writeMs, ms)
      },
    })
    slicedSeconds = (performance.now() - start) / 1000
  } finally {
    db.close()
  }
  return {
    maintenance: { onSeconds, offSeconds, ratio: onSeconds / offSeconds },
    initialLoad: {
      loadSeconds: offSeconds,
      rebuildSeconds,
      ratio: (offSeconds + rebuildSeconds) / offSeconds,
    },
    slicedRebuild: {
      seconds: slicedSeconds,
      slices: scans.length,
      longestScanMs: Math.max(...scans),
      writeMs,
    },
  }
}

export async function benchMetricsDashboard(leads: number, runs = 20): Promise<MetricsBench> {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-metrics-'))
  try {
    const file = join(dir, 'metrics.sqlite')
    const db = openStore(file)
    fillCache(db, generateDemo({ seed: 42, leads, endAt: END_AT }))
    const tz = 'America/Detroit'
    const filterSets: [string, Filters][] = [
      [
        'unfiltered, year',
        { range: { preset: 'custom', from: '2025-11-01', to: '2026-10-31', timeZone: tz } },
      ],
      [
        'one source, last 90 days',
        { range: { preset: 'last90', timeZone: tz }, source: ['Google LSA'] },
      ],
      // Issue 14: other zones than the rollups' (the UTC quarter hour rollups): whole hours with
      // DST (London), half an hour (Kolkata), 45 minutes (Eucla); and an owner (the owner
      // rollups, facets and quarter sections), each beside the raw path.
      ...ZONES.flatMap((zone): [string, Filters][] => [
        [`viewer in ${zone}, last 30 days`, { range: { preset: 'last30', timeZone: zone } }],
        [`viewer in ${zone}, year to date`, { range: { preset: 'ytd', timeZone: zone } }],
      ]),
      [
        'one owner, last 30 days',
        { range: { preset: 'last30', timeZone: tz }, owner: ['Grace Kim'] },
      ],
      ['one owner, year to date', { range: { preset: 'ytd', timeZone: tz }, owner: ['Grace Kim'] }],
    ]
    const out: MetricsBench['dashboards'] = []
    for (const [label, filters] of filterSets) {
      for (const name of DASHBOARDS) {
        const cpu: number[] = []
        const fast = time(() => runDashboard(db, filters, name, false), runs, cpu)
        const slow = time(
          () => runDashboard(db, filters, name, true),
          Math.max(3, Math.floor(runs / 5)),
        )
        out.push({
          name,
          filter: label,
          p50: pct(fast, 0.5),
          p95: pct(fast, 0.95),
          cpuP50: pct(cpu, 0.5),
          cpuP95: pct(cpu, 0.95),
          rawP50: pct(slow, 0.5),
          ratio: pct(slow, 0.5) / pct(fast, 0.5),
        })
      }
    }
    // Filters the rollups answer only in part (aggregate.ts says which pieces read raw rows): an
    // owner with a source, an owner with a city in another zone. Measured for the record.
    const rawOnlySets: [string, Filters][] = [
      [
        'one owner and one source, year to date',
        { range: { preset: 'ytd', timeZone: tz }, owner: ['Grace Kim'], source: ['Google LSA'] },
      ],
      [
        'one owner and one city, viewer in Asia/Kolkata, last 30 days',
        {
          range: { preset: 'last30', timeZone: 'Asia/Kolkata' },
          owner: ['Grace Kim'],
          city: ['Troy'],
        },
      ],
    ]
    const rawOnly: MetricsBench['rawOnly'] = []
    for (const [label, filters] of rawOnlySets) {
      for (const name of DASHBOARDS) {
        const times = time(
          () => runDashboard(db, filters, name, false),
          Math.max(3, Math.floor(runs / 4)),
        )
        rawOnly.push({ name, filter: label, p50: pct(times, 0.5), p95: pct(times, 0.95) })
      }
    }
    db.close()

    const rows: LeadRow[] = []
    for (const item of generateDemo({ seed: 7, leads, endAt: END_AT }).leads()) rows.push(item.lead)
    const upkeep = await benchRollupMaintenance(dir, rows)
    await new Promise<void>((resolve) => setImmediate(resolve))
    return { leads, dashboards: out, rawOnly, ...upkeep }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === import.meta.filename) {
  const n = Number(process.env.BENCH_LEADS ?? 1_000_000)
  console.log(JSON.stringify(await benchMetricsDashboard(n), null, 1))
}
