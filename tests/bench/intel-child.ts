// The intelligence bench's child process (issue 16): one recompute's parts timed on a cache of
// its own process, so its peak RSS is the recompute's (the kernel's high-water mark, read after
// the segmentation and again after training), and the journey Sankey under a round of filter
// changes. Reports one JSON message over IPC.
import { readFeatures } from '../../main/intelligence/features.ts'
import {
  ensureJourneys,
  JourneyDimDeltas,
  journeys,
  recordLeadChange,
} from '../../main/intelligence/journeys.ts'
import { beginRollupBatch } from '../../main/metrics/rollups.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import { segmentLeads } from '../../main/intelligence/segments.ts'
import { segmentsResult } from '../../main/intelligence/read.ts'
import { trainAndScore } from '../../main/intelligence/scores.ts'
import { recompute, INTEL_SEED } from '../../main/intelligence/compute.ts'
import { openStore, PAGE_CACHE_KIB } from '../../main/store/index.ts'
import type { Filters } from '../../shared/api/index.ts'

export interface IntelChildResult {
  readonly leads: number
  readonly journeysInferSeconds: number
  readonly featuresSeconds: number
  readonly segmentSeconds: number
  readonly segmentRssMb: number
  readonly k: number | null
  readonly trainSeconds: number
  readonly openScored: number
  readonly auc: { model: number | null; baseline: number | null }
  readonly beatsBaseline: boolean
  readonly calibrationError: number | null
  readonly recomputeSeconds: number
  readonly peakRssMb: number
  /** Wall and CPU time (this process's user + system) per Sankey: on a machine shared with other
   * work the wall time waits for a core, the CPU time is what the answer costs. */
  readonly journeys: readonly {
    filter: string
    p50: number
    p95: number
    cpuP95: number
    rows: number
  }[]
  readonly journeysP95: number
  readonly journeysCpuP95: number
  readonly featuresCpuSeconds: number
  readonly segmentCpuSeconds: number
  /** intel.segments under each filter: wall and CPU per call, leads matched. */
  readonly segmentFilters: readonly {
    filter: string
    p50: number
    p95: number
    cpuP95: number
    rows: number
  }[]
  readonly segmentFiltersP95: number
  readonly segmentFiltersCpuP95: number
  /** Status changes applied as the sync applies them: rollups only, and rollups + journeys. */
  readonly upkeep: {
    readonly changes: number
    readonly withoutSeconds: number
    readonly withSeconds: number
  }
}

const dbPath = process.argv[2] as string
const rounds = Number(process.argv[3] ?? 20)
const rss = () => process.resourceUsage().maxRSS / 1024
const seconds = (from: number) => (performance.now() - from) / 1000
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN

const db = openStore(dbPath)
// The inference and the recompute run in the intelligence worker, on a connection with SQLite's
// default page cache; the Sankey below on the core's (openStore's PAGE_CACHE_KIB).
db.pragma('cache_size = -2000')
db.prepare('UPDATE journey_state SET valid = 0 WHERE id = 1').run()
let t = performance.now()
ensureJourneys(db)
const journeysInferSeconds = seconds(t)

const cpuSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
t = performance.now()
let cpu0 = cpuSeconds()
const features = readFeatures(db)
const featuresSeconds = seconds(t)
const featuresCpuSeconds = cpuSeconds() - cpu0
t = performance.now()
cpu0 = cpuSeconds()
const segments = segmentLeads(features, INTEL_SEED)
const segmentSeconds = seconds(t)
// On a loaded machine the wall time is mostly waiting for a CPU; the thread's own CPU time is
// what the code costs.
const segmentCpuSeconds = cpuSeconds() - cpu0
const segmentRssMb = rss()
t = performance.now()
const { body, scored } = trainAndScore(features)
const trainSeconds = seconds(t)

// The whole recompute as the worker runs it (features again, segments, model, stored scores).
t = performance.now()
recompute(db, { force: true })
const recomputeSeconds = seconds(t)

const zone = 'America/Detroit'
const owner = db.prepare('SELECT owner FROM leads LIMIT 1').pluck().get() as string
const filters: [string, Filters][] = [
  ['last 30 days', { range: { preset: 'last30', timeZone: zone } }],
  [
    'last 30 days, one source',
    { range: { preset: 'last30', timeZone: zone }, source: ['Google LSA'] },
  ],
  ['last 90 days', { range: { preset: 'last90', timeZone: zone } }],
  ['last 90 days, hot', { range: { preset: 'last90', timeZone: zone }, temperature: ['hot'] }],
  ['quarter to date, one owner', { range: { preset: 'qtd', timeZone: zone }, owner: [owner] }],
  [
    'last 30 days, open statuses',
    { range: { preset: 'last30', timeZone: zone }, status: ['contacted', 'qualified', 'proposal'] },
  ],
  ['year to date', { range: { preset: 'ytd', timeZone: zone } }],
  // The widest walk under a filter: each median's bucket walked over a year, the owner of every
  // row in range looked up in leads (migration 021).
  ['year to date, one owner', { range: { preset: 'ytd', timeZone: zone }, owner: [owner] }],
]
db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
const now = new Date()
const all: number[] = []
const allCpu: number[] = []
const perFilter = filters.map(([name]) => ({
  filter: name,
  times: [] as number[],
  cpu: [] as number[],
  rows: 0,
}))
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
for (let r = 0; r < rounds; r++) {
  filters.forEach(([, f], i) => {
    const s = performance.now()
    const c = cpuMs()
    const result = journeys(db, f, now)
    const cpu = cpuMs() - c
    const ms = performance.now() - s
    all.push(ms)
    allCpu.push(cpu)
    const entry = perFilter[i] as (typeof perFilter)[number]
    entry.times.push(ms)
    entry.cpu.push(cpu)
    entry.rows = result.leads
  })
}
// Segments under the same filter changes (intel.segments with filters, 2,000 points).
const segAll: number[] = []
const segAllCpu: number[] = []
const segPerFilter = filters.map(([name]) => ({
  filter: name,
  times: [] as number[],
  cpu: [] as number[],
  rows: 0,
}))
for (let r = 0; r < rounds; r++) {
  filters.forEach(([, f], i) => {
    const s = performance.now()
    const c = cpuMs()
    const result = segmentsResult(db, 2_000, f, now)
    const cpu = cpuMs() - c
    const ms = performance.now() - s
    segAll.push(ms)
    segAllCpu.push(cpu)
    const entry = segPerFilter[i] as (typeof segPerFilter)[number]
    entry.times.push(ms)
    entry.cpu.push(cpu)
    entry.rows = result.pointsTotal
  })
}
// Journey upkeep on the sync path: status changes applied in 5,000-row transactions as the sync
// does (the row read before, the update, the rollup batch), alternating batches without and with
// the journeys' row hook, so both halves meet the same machine load.
const UPKEEP_CHANGES = 100_000
const changing = db
  .prepare(
    `SELECT * FROM leads WHERE deleted_at IS NULL AND status IN ('new', 'contacted', 'qualified', 'lost') ORDER BY id DESC LIMIT ${UPKEEP_CHANGES}`,
  )
  .all() as LeadRow[]
const read = db.prepare('SELECT * FROM leads WHERE id = ?')
const write = db.prepare('UPDATE leads SET status = ?, updated_at = ? WHERE id = ?')
const next: Record<string, LeadRow['status']> = {
  new: 'contacted',
  contacted: 'qualified',
  qualified: 'proposal',
  lost: 'lost',
}
let withoutMs = 0
let withMs = 0
const deltas = new JourneyDimDeltas()
for (let i = 0, batch = 0; i < changing.length; i += 5_000, batch++) {
  const rows = changing.slice(i, i + 5_000)
  const journeysOn = batch % 2 === 1
  const s = performance.now()
  db.transaction(() => {
    const rollup = beginRollupBatch(db)
    for (const row of rows) {
      const before = read.get(row.id) as LeadRow
      const after: LeadRow = {
        ...before,
        status: next[before.status] ?? 'won',
        updated_at: before.updated_at + 1,
      }
      write.run(after.status, after.updated_at, after.id)
      rollup.record(before, after)
      if (journeysOn) recordLeadChange(db, before, after, deltas)
    }
    // As the sync's row hook does: the dimension counts summed over the transaction, then written.
    if (journeysOn) deltas.flush(db)
    rollup.flush()
  })()
  if (journeysOn) withMs += performance.now() - s
  else withoutMs += performance.now() - s
}

const result: IntelChildResult = {
  leads: features.n,
  journeysInferSeconds,
  featuresSeconds,
  segmentSeconds,
  segmentRssMb,
  k: segments?.k ?? null,
  trainSeconds,
  openScored: scored.length,
  auc: { model: body.auc.model, baseline: body.auc.baseline },
  beatsBaseline: body.beatsBaseline,
  calibrationError: body.calibration.error,
  recomputeSeconds,
  peakRssMb: rss(),
  journeys: perFilter.map((f) => ({
    filter: f.filter,
    p50: pct(f.times, 50),
    p95: pct(f.times, 95),
    cpuP95: pct(f.cpu, 95),
    rows: f.rows,
  })),
  journeysP95: pct(all, 95),
  journeysCpuP95: pct(allCpu, 95),
  featuresCpuSeconds,
  segmentCpuSeconds,
  segmentFilters: segPerFilter.map((f) => ({
    filter: f.filter,
    p50: pct(f.times, 50),
    p95: pct(f.times, 95),
    cpuP95: pct(f.cpu, 95),
    rows: f.rows,
  })),
  segmentFiltersP95: pct(segAll, 95),
  segmentFiltersCpuP95: pct(segAllCpu, 95),
  upkeep: {
    changes: changing.length,
    withoutSeconds: withoutMs / 1000,
    withSeconds: withMs / 1000,
  },
}
db.close()
process.send?.(result)
