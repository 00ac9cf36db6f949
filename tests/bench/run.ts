// `npm run bench`: every performance figure beside a baseline measured in the
// same run (the machine is shared and noisy, so only ratios travel).
// BENCH_ONLY=startup,metrics (a comma list of the parts below) runs some parts
// and writes reports/latest-<parts>.md instead of latest.md. BENCH_LOAD=2 runs
// each part beside two busy loops (tests/support/busy-load.ts) and writes
// latest[-<parts>]-loaded.md; every row says whether it was quiet or loaded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { openStore } from '../../main/store/index.ts'
import { benchAlertEval } from './alert-eval.ts'
import { benchIntelligence } from './intel.ts'
import { busyLoad, busyLoopsAsked, loadLabel } from '../support/busy-load.ts'
import { FLOOD_BURST, FLOOD_CALLS, FLOOD_LEADS, benchApiFlood, floodCache } from './api-flood.ts'
import { coldStartSeconds } from './cold-start.ts'
import { benchDemoGeneration } from './demo-generation.ts'
import { benchExportCsv } from './export-csv.ts'
import { benchExportPdf } from './export-pdf.ts'
import { benchExportXlsx } from './export-xlsx.ts'
import { benchFilterChanges, benchFirstPaint } from './first-paint.ts'
import { benchMetricsDashboard } from './metrics-dashboard.ts'
import { benchStreamIngest } from './stream-ingest.ts'
import { benchStartup } from './startup.ts'
import { benchPostgresSync } from './sync-postgres.ts'
import { benchLiveLatency } from './live-latency.ts'
import { benchSyncRollups } from './sync-rollups.ts'
import { benchWallSoak, wallSoakRows } from './wall-soak.ts'

interface Row {
  benchmark: string
  /** quiet, or loaded by BENCH_LOAD busy loops (set when the row's part ends). */
  load?: string
  figure: string
  baseline: string
  ratio: string
}

const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000)
const PARTS = [
  'demo',
  'cold-start',
  'first-paint',
  'filter-change',
  'startup',
  'sync',
  'live-latency',
  'stream',
  'metrics',
  'sync-rollups',
  'api-flood',
  'wall-soak',
  'export-csv',
  'export-xlsx',
  'export-pdf',
  'alert-eval',
  'intel',
] as const
type Part = (typeof PARTS)[number]
const only = process.env.BENCH_ONLY?.split(',').map((p) => p.trim())
for (const part of only ?? []) {
  if (!(PARTS as readonly string[]).includes(part)) {
    throw new Error(`BENCH_ONLY: unknown part "${part}"; the parts are ${PARTS.join(', ')}`)
  }
}
const runs = (part: Part) => !only || only.includes(part)
/** BENCH_LOAD=2: each part runs beside two busy loops (one a core here), killed when it ends. */
const LOOPS = busyLoopsAsked()
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
/** The p-th percentile (0–100), nearest rank. */
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

async function main(): Promise<void> {
  const rows: Row[] = []
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-'))
  const load = busyLoad()
  /** Labels the rows pushed so far with the load they ran under, and ends that load. */
  const settle = async () => {
    for (const row of rows) row.load ??= loadLabel(load.running)
    await load.stop()
  }
  /** Whether `part` runs; if so, it runs from here beside LOOPS busy loops (the setup between parts runs quiet). */
  const begin = async (part: Part): Promise<boolean> => {
    await settle()
    if (!runs(part)) return false
    await load.start(LOOPS)
    return true
  }
  try {
    if (await begin('demo')) {
      process.stderr.write(`demo generation: ${fmt(LEADS)} leads…\n`)
      const gen = await benchDemoGeneration(LEADS)
      rows.push({
        benchmark: `demo generation, ${fmt(LEADS)} leads into SQLite`,
        figure: `${fmt(gen.rowsPerSecond)} leads/s (${fmt(gen.seconds, 1)} s)`,
        baseline: `bare prepared insert of the same rows: ${fmt(gen.baselineRowsPerSecond)} rows/s (${fmt(gen.baselineSeconds, 1)} s)`,
        ratio: fmt(gen.ratio, 2),
      })
    }

    await settle()
    // Data up to now: the page's presets count back from the clock (a cache that ended weeks
    // ago shows an empty last 30 days, and no KPI would ever be painted).
    const endAt = Date.now()
    const big = join(dir, 'big.sqlite')
    const small = join(dir, 'small.sqlite')
    if (
      runs('cold-start') ||
      runs('startup') ||
      runs('first-paint') ||
      runs('filter-change') ||
      runs('export-csv') ||
      runs('export-xlsx') ||
      runs('export-pdf') ||
      runs('alert-eval') ||
      runs('intel')
    ) {
      for (const [file, leads] of [
        [big, LEADS],
        [small, 1000],
      ] as const) {
        const db = openStore(file)
        fillCache(db, generateDemo({ seed: 42, leads, endAt }))
        db.close()
      }
    }
    if (await begin('cold-start')) {
      process.stderr.write('cold start to the first KPI in Chromium…\n')
      const bigTimes = await coldStartSeconds(big, 3)
      const smallTimes = await coldStartSeconds(small, 3)
      rows.push({
        benchmark: `browser host cold start on a ${fmt(LEADS)}-lead cache to the first KPI painted (median of 3)`,
        figure: `${fmt(median(bigTimes), 2)} s (runs: ${bigTimes.map((t) => fmt(t, 2)).join(', ')})`,
        baseline: `same on a 1,000-lead cache: ${fmt(median(smallTimes), 2)} s`,
        ratio: fmt(median(bigTimes) / median(smallTimes), 2),
      })
    }

    if (await begin('first-paint')) {
      process.stderr.write('first paint in a fresh browser profile…\n')
      const paint = await benchFirstPaint(big, 5)
      const painted = paint.map((r) => r.paintedMs)
      const empty = paint.map((r) => r.emptyPageMs)
      const first = paint[0]
      rows.push({
        benchmark: `first paint: a fresh browser profile (empty cache) to every Overview chart drawn, \`watchfloor serve\` on a ${fmt(LEADS)}-lead cache, 1920×1080 (median of ${paint.length})`,
        figure: `${fmt(median(painted))} ms (runs: ${painted.map((t) => fmt(t)).join(', ')}; data-state ready at ${fmt(median(paint.map((r) => r.readyMs)))} ms; Plotly received at ${fmt(median(paint.map((r) => r.plotlyMs ?? NaN)))} ms, ${fmt((first?.plotlyTransferBytes ?? NaN) / 1024)} KiB as ${first?.plotlyEncoding ?? '?'})`,
        baseline: `an empty page from the same host in the same fresh profile: ${fmt(median(empty))} ms`,
        ratio: `+${fmt(median(painted) - median(empty))} ms over the empty page (target < 1,500 ms)`,
      })
    }

    if (await begin('filter-change')) {
      process.stderr.write('filter changes to every chart redrawn…\n')
      const changes = await benchFilterChanges(big)
      const ms = changes.map((c) => c.ms)
      const london = changes.filter((c) => c.change.includes('Europe/London')).map((c) => c.ms)
      const org = changes.filter((c) => !c.change.includes('Europe/London')).map((c) => c.ms)
      const slowest = [...changes].sort((a, b) => b.ms - a.ms).slice(0, 3)
      rows.push({
        benchmark: `filter change on Overview to every chart redrawn and painted, ${fmt(LEADS)} leads (${changes.length} changes: presets, a source, a segment, custom and empty custom ranges; year and month to date with the viewer in Europe/London)`,
        figure: `p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms`,
        baseline: `viewer in the organisation's zone (the rollups' days): p50 ${fmt(percentile(org, 50))} ms, p95 ${fmt(percentile(org, 95))} ms; in Europe/London: p50 ${fmt(percentile(london, 50))} ms, p95 ${fmt(percentile(london, 95))} ms`,
        ratio: `slowest: ${slowest.map((c) => `${c.change} ${fmt(c.ms)} ms`).join('; ')} (target p95 < 150 ms)`,
      })
    }

    if (await begin('startup')) {
      process.stderr.write('start-up: the CLI and the core process…\n')
      const start = await benchStartup(big)
      const node = median(start.nodeBaselineMs)
      const ms = (xs: number[]) =>
        `${fmt(median(xs))} ms (median of ${xs.length}; ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`
      for (const [what, xs] of [
        ['`watchfloor --help`', start.helpMs],
        [`\`watchfloor status\` on a ${fmt(LEADS)}-lead cache`, start.statusMs],
      ] as const) {
        rows.push({
          benchmark: `${what}, wall, through the bin from its build`,
          figure: ms(xs),
          baseline: `\`node -e 0\`: ${ms(start.nodeBaselineMs)}`,
          ratio: `+${fmt(median(xs) - node)} ms over Node (target < 300 ms)`,
        })
      }
      rows.push(
        {
          benchmark:
            '`watchfloor --help` from the sources through tsx (the fallback for a stale build)',
          figure: ms(start.helpFromSourceMs),
          baseline: `from the build: ${fmt(median(start.helpMs))} ms`,
          ratio: fmt(median(start.helpFromSourceMs) / median(start.helpMs), 1),
        },
        {
          benchmark: `core process start (spawnCore) to its first answer (app.status), ${fmt(LEADS)}-lead cache`,
          figure: `${ms(start.coreAnswerMs)}; ready at ${fmt(median(start.coreReadyMs))} ms`,
          baseline: `a bare Node child answering one IPC message: ${ms(start.forkBaselineMs)}`,
          ratio: `+${fmt(median(start.coreAnswerMs) - median(start.forkBaselineMs))} ms over Node (target < 500 ms)`,
        },
      )
    }

    if (await begin('sync')) {
      process.stderr.write('Postgres sync: initial, catch-up, latency, serving thread…\n')
      const sync = await benchPostgresSync(LEADS, dir)
      rows.push(
        {
          benchmark: `initial sync of ${fmt(sync.syncedRows)} leads from Postgres (core in its own process)`,
          figure: `${fmt(sync.syncRowsPerSecond)} rows/s (${fmt(sync.syncSeconds, 1)} s), peak RSS ${fmt(sync.peakRssMb)} MB`,
          baseline: `raw COPY → bare insert pipeline: ${fmt(sync.rawRowsPerSecond)} rows/s, peak RSS ${fmt(sync.rawPeakRssMb)} MB`,
          ratio: `${fmt(sync.ratio, 2)} (target ≥ 1.2 with the COPY decoded beside the writer; RSS < 300 MB); the engine with the COPY decoded on the writer's thread: ${fmt(sync.oneThreadRowsPerSecond)} rows/s (${fmt(sync.oneThreadRowsPerSecond / sync.rawRowsPerSecond, 2)}), peak RSS ${fmt(sync.oneThreadPeakRssMb)} MB`,
        },
        {
          benchmark: 'serving thread event-loop delay during that initial sync',
          figure: `p99 ${fmt(sync.loopP99Ms, 1)} ms, max ${fmt(sync.loopMaxMs, 1)} ms (${fmt(sync.servedReads)} reads served)`,
          baseline: `same loop idle: p99 ${fmt(sync.idleLoopP99Ms, 1)} ms, max ${fmt(sync.idleLoopMaxMs, 1)} ms`,
          ratio: `${fmt(sync.loopP99Ms / sync.idleLoopP99Ms, 2)} (target p99 < 20 ms, max < 100 ms)`,
        },
        {
          benchmark: `catch-up after ${fmt(sync.catchUpChanges)} upstream changes made while stopped, a day of an office's work (stage moves, temperatures, reassignments among its owners, values, deletes; rollups and journeys upkept, as the app wires them)`,
          figure: `${fmt(sync.catchUpSeconds, 2)} s (${fmt(sync.catchUpRows)} rows); the same changes without row hooks ${fmt(sync.catchUpNoHooksSeconds, 2)} s (${fmt(sync.catchUpNoHooksSeconds / sync.catchUpBaselineSeconds, 2)})`,
          baseline: `the same rows at the raw pipeline's rate: ${fmt(sync.catchUpBaselineSeconds, 2)} s`,
          ratio: `${fmt(sync.catchUpSeconds / sync.catchUpBaselineSeconds, 2)} (target ≤ 1.5)`,
        },
        {
          benchmark: `catch-up after ${fmt(sync.catchUpNewOwnersChanges)} changes, each lead to an owner never seen (the upkeep's worst case: every change a new value in each owner rollup and journey count)`,
          figure: `${fmt(sync.catchUpNewOwnersSeconds, 2)} s`,
          baseline: `the same rows at the raw pipeline's rate: ${fmt((sync.catchUpBaselineSeconds * sync.catchUpNewOwnersChanges) / sync.catchUpChanges, 2)} s`,
          ratio: `${fmt((sync.catchUpNewOwnersSeconds * sync.catchUpChanges) / (sync.catchUpBaselineSeconds * sync.catchUpNewOwnersChanges), 2)} (no target: shown for scale)`,
        },
        {
          benchmark: `upstream commit → row in the cache, ${fmt(sync.latencyCommits)} commits, writer at 50 rows/s`,
          figure: `p50 ${fmt(sync.latencyP50Ms, 1)} ms, p99 ${fmt(sync.latencyP99Ms, 1)} ms`,
          baseline: `the commit's own round trip: p50 ${fmt(sync.commitP50Ms, 1)} ms, p99 ${fmt(sync.commitP99Ms, 1)} ms`,
          ratio: `${fmt(sync.latencyP50Ms / sync.commitP50Ms, 2)} (target p50 < 30 ms, p99 < 100 ms)`,
        },
      )
    }

    if (await begin('live-latency')) {
      process.stderr.write('live path: commit → cache → page, quiet and loaded…\n')
      // The part loads the machine itself (quiet, then two busy loops), so one run has both.
      await settle()
      const live = await benchLiveLatency(dir)
      const ms = (xs: readonly number[]) =>
        `p50 ${fmt(percentile([...xs], 50), 1)} ms, p99 ${fmt(percentile([...xs], 99), 1)} ms`
      for (const phase of live.phases) {
        const lost = phase.lost ? `; ${fmt(phase.lost)} of ${fmt(phase.commits)} lost` : ''
        const baseline = `the commit's own round trip: ${ms(phase.commitMs)}`
        rows.push(
          {
            benchmark: `upstream commit → row in the cache, \`watchfloor serve\` synced from Postgres and the Redis stream, ${fmt(phase.commits)} commits beside the demo writer's 50 changes/s (${fmt(live.leads)} leads)`,
            load: phase.load,
            figure: `${ms(phase.rowMs)}${lost}`,
            baseline,
            ratio: `p99 ${fmt(percentile([...phase.rowMs], 99) / percentile([...phase.commitMs], 99), 2)}× the round trip (target p99 < 100 ms quiet and loaded)`,
          },
          {
            benchmark: `upstream commit → \`data.changed\` at a page's socket, the row then in the cache (same commits)`,
            load: phase.load,
            figure: `${ms(phase.eventMs)}${lost}`,
            baseline,
            ratio: '—',
          },
        )
      }
    }

    if (await begin('stream')) {
      process.stderr.write('Redis stream ingest…\n')
      const stream = await benchStreamIngest({ events: 100_000 })
      rows.push(
        {
          benchmark: `Redis stream → SQLite, ${fmt(stream.events)} events (lead changes, an alert in 200)`,
          figure: `${fmt(stream.eventsPerSecond)} events/s (${fmt(stream.seconds, 1)} s)`,
          baseline: `bare XRANGE of the same events: ${fmt(stream.baselineEventsPerSecond)} events/s (replies left as bytes, as the reader reads them: ${fmt(stream.bytesBaselineEventsPerSecond)} events/s)`,
          ratio: `${fmt(stream.ratio, 2)} (median of rounds ${stream.roundRatios.map((r) => fmt(r, 2)).join(', ')}); ${fmt(stream.bytesRatio, 2)} of the bytes floor; CPU ${fmt(stream.baselineCpuSeconds, 2)} s bare / ${fmt(stream.cpuSeconds, 2)} s reader (rounds ${stream.roundCpuRatios.map((r) => fmt(r, 2)).join(', ')})`,
        },
        {
          benchmark: `XADD → event row in SQLite, ${fmt(stream.latencySamples)} events`,
          figure: `p50 ${fmt(stream.latencyP50Ms, 2)} ms, p99 ${fmt(stream.latencyP99Ms, 2)} ms`,
          baseline: '—',
          ratio: '—',
        },
      )
    }

    if (await begin('metrics')) {
      process.stderr.write('KPI dashboards on the big cache…\n')
      const metrics = await benchMetricsDashboard(LEADS)
      for (const d of metrics.dashboards) {
        rows.push({
          benchmark: `dashboard "${d.name}", ${d.filter}, ${fmt(LEADS)} leads`,
          figure: `p50 ${fmt(d.p50, 1)} ms, p95 ${fmt(d.p95, 1)} ms (CPU p50 ${fmt(d.cpuP50, 1)} ms, p95 ${fmt(d.cpuP95, 1)} ms)`,
          baseline: `straightforward SQL over raw tables: p50 ${fmt(d.rawP50, 1)} ms`,
          ratio: `${fmt(d.ratio, 1)}× faster (target p95 < 50 ms; ≥ 10× unfiltered)`,
        })
      }
      for (const d of metrics.rawOnly) {
        rows.push({
          benchmark: `dashboard "${d.name}", ${d.filter}, ${fmt(LEADS)} leads (rollups answer in part, the rest reads raw rows)`,
          figure: `p50 ${fmt(d.p50, 1)} ms, p95 ${fmt(d.p95, 1)} ms`,
          baseline: '—',
          ratio: '—',
        })
      }
      rows.push(
        {
          benchmark: `rollup upkeep on the sync path, ${fmt(LEADS)} lead upserts in 10k-row transactions`,
          figure: `${fmt(metrics.maintenance.onSeconds, 1)} s with rollups`,
          baseline: `${fmt(metrics.maintenance.offSeconds, 1)} s without`,
          ratio: `${fmt(metrics.maintenance.ratio, 2)} (target < 1.3)`,
        },
        {
          benchmark: `initial load with rollups (simulated), ${fmt(LEADS)} leads (load, then one rebuild)`,
          figure: `${fmt(metrics.initialLoad.loadSeconds + metrics.initialLoad.rebuildSeconds, 1)} s`,
          baseline: `load alone: ${fmt(metrics.initialLoad.loadSeconds, 1)} s`,
          ratio: `${fmt(metrics.initialLoad.ratio, 2)} (target < 1.3)`,
        },
        {
          benchmark: `rollup rebuild in slices (the core's maintenance job), ${fmt(LEADS)} leads`,
          figure: `${fmt(metrics.slicedRebuild.seconds, 1)} s in ${fmt(metrics.slicedRebuild.slices)} slices; the thread held at most ${fmt(metrics.slicedRebuild.longestScanMs)} ms by a slice, ${fmt(metrics.slicedRebuild.writeMs)} ms by a write slice`,
          baseline: `in one transaction: ${fmt(metrics.initialLoad.rebuildSeconds, 1)} s held`,
          ratio: '—',
        },
      )
    }

    if (await begin('sync-rollups')) {
      process.stderr.write('the real sync engine with rollups on and off…\n')
      const syncRollups = await benchSyncRollups(LEADS)
      rows.push({
        benchmark: `initial sync of ${fmt(LEADS)} leads with rollups kept (engine, mean of 2 runs each, alternated)`,
        figure: `${fmt(syncRollups.onSeconds, 1)} s with rollups (rebuild once caught up: ${fmt(syncRollups.rebuildSeconds, 1)} s)`,
        baseline: `${fmt(syncRollups.offSeconds, 1)} s without`,
        ratio: `${fmt(syncRollups.ratio, 2)} (target < 1.3)`,
      })
    }

    if (await begin('api-flood')) {
      process.stderr.write('api latency under a flood, through the browser host…\n')
      const dbPath = floodCache(dir)
      // As shipped, then the same host with fewer calls admitted into the core at once: the
      // core answers one call at a time, so a poller's call waits behind those already there.
      for (const total of [undefined, 8, 1]) {
        const flood = await benchApiFlood(dbPath, total === undefined ? undefined : { total })
        const host =
          total === undefined
            ? '`watchfloor serve` as shipped (at most 2 calls in the core)'
            : `the host in-process with at most ${total} call${total === 1 ? '' : 's'} in the core (\`limits.total\`)`
        for (const method of Object.keys(flood.alone)) {
          const alone = flood.alone[method] ?? []
          const flooded = flood.flooded[method] ?? []
          const p99 = percentile(flooded, 99) / percentile(alone, 99)
          rows.push({
            benchmark: `api latency under a flood, ${host}: \`${method}\` of a client polling the overview while another sends ${fmt(FLOOD_CALLS)} of its calls in bursts of ${fmt(FLOOD_BURST)} (${fmt(FLOOD_LEADS)} leads)`,
            figure: `p50 ${fmt(percentile(flooded, 50), 1)} ms, p99 ${fmt(percentile(flooded, 99), 1)} ms (${fmt(flooded.length)} calls)`,
            baseline: `the same client alone: p50 ${fmt(percentile(alone, 50), 1)} ms, p99 ${fmt(percentile(alone, 99), 1)} ms (${fmt(alone.length)} calls, before and after)`,
            ratio: `p99 ${fmt(p99, 2)}× alone (target < 3×)`,
          })
        }
        const failed = Object.entries(flood.flood.failed)
        rows.push({
          benchmark: `the flood itself, ${host}`,
          figure: `${fmt(FLOOD_CALLS)} calls in ${fmt(flood.flood.seconds, 1)} s (${fmt(FLOOD_CALLS / flood.flood.seconds)} calls/s), ${fmt(flood.flood.ok)} answered ok${failed.length ? `, ${failed.map(([code, n]) => `${fmt(n)} ${code}`).join(', ')}` : ''}`,
          baseline: '—',
          ratio: '—',
        })
      }
    }

    if (await begin('export-csv')) {
      process.stderr.write(`CSV export of ${fmt(LEADS)} leads beside a bare writer…\n`)
      const csv = await benchExportCsv(big, endAt, dir)
      const mb = (bytes: number) => fmt(bytes / 1024 / 1024)
      rows.push({
        benchmark: `CSV export (writeCsv) of the Leads dataset, ${fmt(csv.rows)} rows (${mb(csv.csv.bytes)} MB), child process per run, median of ${csv.csvRuns.length}`,
        figure: `${fmt(csv.rows / csv.csv.seconds)} rows/s (${fmt(csv.csv.seconds, 2)} s; runs ${csv.csvRuns.map((t) => fmt(t, 2)).join(', ')}), peak RSS ${fmt(csv.csv.maxRssMb)} MB, event-loop delay p99 ${fmt(csv.csv.loopP99Ms, 1)} ms / max ${fmt(csv.csv.loopMaxMs, 1)} ms; buildReport before it ${fmt(csv.csv.buildSeconds, 2)} s`,
        baseline: `bare writer of the same rows (minimal quoting, 2,000-row writes to a file stream): ${fmt(csv.rows / csv.bare.seconds)} rows/s (${fmt(csv.bare.seconds, 2)} s; runs ${csv.bareRuns.map((t) => fmt(t, 2)).join(', ')}), peak RSS ${fmt(csv.bare.maxRssMb)} MB, loop max ${fmt(csv.bare.loopMaxMs, 1)} ms`,
        ratio: `${fmt(csv.ratio, 2)} (target ≥ 0.7)`,
      })
    }

    if (await begin('export-xlsx')) {
      process.stderr.write(`XLSX export of ${fmt(LEADS)} leads beside exceljs's stream writer…\n`)
      const x = await benchExportXlsx(big, endAt, dir)
      const mb = (bytes: number) => fmt(bytes / 1024 / 1024)
      rows.push({
        benchmark: `XLSX export (writeXlsx: Summary, typed and styled cells, frozen header, autofilter) of the Leads dataset, ${fmt(x.rows)} rows (${mb(x.xlsx.bytes)} MB), child process per run, median of ${x.xlsxRuns.length}`,
        figure: `${fmt(x.rows / x.xlsx.seconds)} rows/s (${fmt(x.xlsx.seconds, 2)} s; runs ${x.xlsxRuns.map((t) => fmt(t, 2)).join(', ')}), peak RSS ${fmt(x.xlsx.maxRssMb)} MB, event-loop delay p99 ${fmt(x.xlsx.loopP99Ms, 1)} ms / max ${fmt(x.xlsx.loopMaxMs, 1)} ms; buildReport before it ${fmt(x.xlsx.buildSeconds, 2)} s`,
        baseline: `exceljs stream.xlsx.WorkbookWriter, no styles, same rows: ${fmt(x.rows / x.exceljs.seconds)} rows/s (${fmt(x.exceljs.seconds, 2)} s; runs ${x.exceljsRuns.map((t) => fmt(t, 2)).join(', ')}), ${mb(x.exceljs.bytes)} MB, peak RSS ${fmt(x.exceljs.maxRssMb)} MB`,
        ratio: `${fmt(x.ratio, 2)} (target ≥ 1.0, peak RSS < 400 MB)`,
      })
    }

    if (await begin('export-pdf')) {
      process.stderr.write('PDF report of the Overview with a 10,000-row table…\n')
      const p = await benchExportPdf(big, endAt, dir)
      const run = (r: typeof p.full) =>
        `${fmt(r.seconds, 2)} s, ${fmt(r.pages)} pages, ${fmt(r.bytes / 1024 / 1024, 1)} MB`
      rows.push({
        benchmark: `PDF report (writePdf) of the Overview, last 90 days of a ${fmt(LEADS)}-lead cache: header, filters, cards, 4 Plotly charts as vectors, Channel ROI, Funnel and Leads (${fmt(p.printedRows)} of ${fmt(p.leadRows)} rows), A4 portrait, median of ${p.fullRuns.length}`,
        figure: `${run(p.full)} (runs ${p.fullRuns.map((t) => fmt(t, 2)).join(', ')}; ${fmt(p.printedRows / p.full.seconds)} rows/s), event-loop delay p99 ${fmt(p.full.loopP99Ms, 1)} ms / max ${fmt(p.full.loopMaxMs, 1)} ms`,
        baseline: `the same report without its tables: ${run(p.withoutTables)}; PDFKit writing the same ${fmt(p.printedRows)} rows as plain Helvetica lines: ${run(p.plainLines)}`,
        ratio: `${fmt(p.full.seconds / p.plainLines.seconds, 2)}× the plain lines`,
      })
    }

    if (await begin('alert-eval')) {
      process.stderr.write('alert evaluation: 100 rules after a sync commit…\n')
      const a = benchAlertEval(big)
      rows.push({
        benchmark: `one alert evaluation cycle after a sync commit: ${a.rules} rules (every metric, ${a.filterSets} filter sets) on a ${fmt(LEADS)}-lead cache, ${a.cycleMs.length} cycles`,
        figure: `p50 ${fmt(percentile(a.cycleMs, 50), 1)} ms, p95 ${fmt(percentile(a.cycleMs, 95), 1)} ms`,
        baseline: `one dashboard() of the rules' dashboards for the default filters: p50 ${fmt(percentile(a.baselineMs, 50), 1)} ms, p95 ${fmt(percentile(a.baselineMs, 95), 1)} ms`,
        ratio: `${fmt(percentile(a.cycleMs, 95) / percentile(a.baselineMs, 95), 2)} (target p95 < 100 ms)`,
      })
    }

    if (await begin('intel')) {
      process.stderr.write('customer intelligence: segments, lead scores, journeys…\n')
      const intel = await benchIntelligence(big)
      rows.push(
        {
          benchmark: `features + PCA + k-means (k by silhouette, 2–6) of ${fmt(intel.leads)} leads, child process`,
          figure: `${fmt(intel.featuresSeconds + intel.segmentSeconds, 1)} s (features ${fmt(intel.featuresSeconds, 1)} s), CPU ${fmt(intel.featuresCpuSeconds + intel.segmentCpuSeconds, 1)} s (features ${fmt(intel.featuresCpuSeconds, 1)} s), peak RSS ${fmt(intel.segmentRssMb)} MB, k = ${intel.k ?? '—'}`,
          baseline: '—',
          ratio: 'target < 10 s, RSS < 500 MB',
        },
        {
          benchmark: `lead score: train (IRLS), calibrate, test, score ${fmt(intel.openScored)} open leads`,
          figure: `${fmt(intel.trainSeconds, 1)} s; test AUC ${fmt(intel.auc.model ?? NaN, 3)} vs temperature ${fmt(intel.auc.baseline ?? NaN, 3)}, calibration error ${fmt(intel.calibrationError ?? NaN, 3)}`,
          baseline: `the whole recompute (features, segments, model, scores stored): ${fmt(intel.recomputeSeconds, 1)} s, peak RSS ${fmt(intel.peakRssMb)} MB`,
          ratio: 'target < 10 s',
        },
        {
          benchmark: `journey Sankey for a filter change, ${fmt(LEADS)} leads, ${intel.journeys.length} filters × 20 rounds`,
          figure: `p95 ${fmt(intel.journeysP95, 1)} ms, CPU p95 ${fmt(intel.journeysCpuP95, 1)} ms (${intel.journeys.map((j) => `${j.filter}: p50 ${fmt(j.p50, 1)}, p95 ${fmt(j.p95, 1)} ms, CPU p95 ${fmt(j.cpuP95, 1)} ms, ${fmt(j.rows)} leads`).join('; ')})`,
          baseline: `history inferred for every lead once: ${fmt(intel.journeysInferSeconds, 1)} s`,
          ratio: 'target p95 < 100 ms',
        },
        {
          benchmark: `segments under a filter change (intel.segments, 2,000 points), ${fmt(LEADS)} leads, ${intel.segmentFilters.length} filters × 20 rounds`,
          figure: `p95 ${fmt(intel.segmentFiltersP95, 1)} ms, CPU p95 ${fmt(intel.segmentFiltersCpuP95, 1)} ms (${intel.segmentFilters.map((j) => `${j.filter}: p50 ${fmt(j.p50, 1)}, p95 ${fmt(j.p95, 1)} ms, CPU p95 ${fmt(j.cpuP95, 1)} ms, ${fmt(j.rows)} leads`).join('; ')})`,
          baseline: '—',
          ratio: 'aim p95 < 100 ms',
        },
        {
          benchmark: `journey upkeep on the sync path: ${fmt(intel.upkeep.changes)} lead status changes in 5k-row transactions with the rollups, half with the journeys' row hook (alternating)`,
          figure: `${fmt(intel.upkeep.withSeconds, 2)} s with journeys`,
          baseline: `${fmt(intel.upkeep.withoutSeconds, 2)} s without (rollups only)`,
          ratio: fmt(intel.upkeep.withSeconds / intel.upkeep.withoutSeconds, 2),
        },
      )
    }

    if (await begin('wall-soak')) {
      process.stderr.write('wall soak: live updates while the wall rotates in Chromium…\n')
      const soak = await benchWallSoak(dir)
      for (const row of wallSoakRows(soak)) rows.push(row)
    }
    await settle()
  } finally {
    await load.stop()
    rmSync(dir, { recursive: true, force: true })
  }

  const date = new Date().toISOString().slice(0, 10)
  const table = [
    `Watchfloor benchmarks, ${date} (Node ${process.version}, ${process.platform}/${process.arch})`,
    '',
    '| benchmark | load | figure | baseline (same run) | ratio |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) => `| ${r.benchmark} | ${r.load ?? ''} | ${r.figure} | ${r.baseline} | ${r.ratio} |`,
    ),
    '',
  ].join('\n')
  const reports = join(import.meta.dirname, 'reports')
  // A partial run does not overwrite the full report.
  // A loaded run does not overwrite the quiet one.
  const name = `${only ? `latest-${only.join('-')}` : 'latest'}${LOOPS > 0 ? '-loaded' : ''}`
  mkdirSync(reports, { recursive: true })
  writeFileSync(join(reports, `${name}.md`), table)
  writeFileSync(
    join(reports, `${name}.json`),
    JSON.stringify(
      {
        date,
        node: process.version,
        ...(only ? { parts: only } : {}),
        busyLoops: LOOPS,
        rows,
      },
      null,
      2,
    ),
  )
  process.stdout.write(`${table}\nreport: tests/bench/reports/${name}.md\n`)
}

await main()
