// Wall soak: a wall screen in Chromium through `watchfloor serve`, syncing a live Postgres and
// Redis upstream (the demo writer: lead changes committed and announced on the stream, an
// alert every 200), while the page's clock is jumped on so the playlist rotates many times.
// JS heap and DOM counters are read after forced GCs on the same view at checkpoints (after 1,
// 2, 5 and 10 full rounds of the playlist, and at the end).
//
// The baseline is taken after a warm-up of whole rounds of the playlist under live changes, long
// enough for V8's compiled code to level off. Heap snapshots show what that code is: the page
// compiles no new functions and evaluates no script again after its first round (bytecode
// arrays and scripts stay the same in number), while Sparkplug and then Maglev/Turbofan compile
// more of the same functions as they get hot, one code object each, with no re-optimisation
// loop; V8 also drops optimised code again, so the total levels off after about ten rounds and
// then moves by a few hundred KB either way. A wall runs for months: what counts is what grows
// per update or rotation after that, not what the first rounds compile (the warm-up's readings
// are reported, so the level is shown, not assumed).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { Pool } from 'pg'
import { chromium, type CDPSession, type Page } from 'playwright-core'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, runUpstreamWriter, seedUpstream } from '../../main/demo/upstream.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { serveCache } from '../e2e/host-fixture.ts'
import { censusGrowth, heapCensus, type CodeBreakdown, type HeapCensus } from './heap-snapshot.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The wall's rotation in the soak: the shortest interval a wall accepts. */
const INTERVAL_MS = 10_000
/** A comma list of whole numbers from the environment, or the default. */
const roundsFrom = (text: string | undefined, fallback: string): readonly number[] =>
  (text ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
/**
 * Full rounds of the playlist under live changes before the baseline
 * (WALL_SOAK_WARM_UP_ROUNDS). Measured on 2026-11-30 over 180 rounds and 120,000 changes:
 * compiled code climbs for about 15–20 rounds, then moves in a band (8.6–9.9 MB) with no trend.
 */
const WARM_UP_ROUNDS = Number(process.env.WALL_SOAK_WARM_UP_ROUNDS ?? 20)
/** Rounds of the warm-up after which compiled code is read, to show where it levels off. */
const WARM_UP_READINGS = roundsFrom(process.env.WALL_SOAK_WARM_UP_READINGS, '1,2,5,10,15').filter(
  (r) => r < WARM_UP_ROUNDS,
)
/**
 * Full rounds of the playlist after the baseline at which the counters are read
 * (WALL_SOAK_ROUNDS=1,2,5,10,20,40,80,120 for a longer soak: V8's band shows over tens of rounds).
 */
const CHECKPOINT_ROUNDS = roundsFrom(process.env.WALL_SOAK_ROUNDS, '1,2,5,10')
/** Live changes a second: the writer's pace during the warm-up and the soak. */
const RATE_PER_SECOND = 250
/**
 * The heap's used size and the DOM counters are read this many times after forced GCs; the
 * lowest counts.
 */
const HEAP_READINGS = 3

export interface WallSoak {
  readonly updates: number
  readonly seconds: number
  /** `data.changed` events the page received over its WebSocket after the baseline. */
  readonly events: number
  readonly rotations: number
  readonly view: string
  readonly playlist: readonly string[]
  /** The warm-up before the baseline, and compiled code read along the way. */
  readonly warmUp: {
    readonly rounds: number
    readonly rotations: number
    readonly updates: number
    readonly readings: readonly WallCheckpoint[]
  }
  /** After the warm-up: the baseline growth is measured from. */
  readonly start: WallMemory
  readonly checkpoints: readonly WallCheckpoint[]
  readonly end: WallMemory
  /** Constructors whose object count grew most from the baseline to the end (heap snapshots). */
  readonly grew: readonly { name: string; before: number; after: number; bytes: number }[]
}

export interface WallCheckpoint {
  /** Full rounds of the playlist (since the baseline; in the warm-up, since the first view). */
  readonly rounds: number
  /** Live changes written since the baseline (in the warm-up, since it began). */
  readonly updates: number
  readonly memory: WallMemory
}

export interface WallMemory {
  /** The heap's used size after forced GCs (the lowest of a few readings), as DevTools shows it. */
  readonly heapBytes: number
  /**
   * The JS heap a snapshot reached right after: only what is retained (the used size also
   * counts what the GC has not swept yet and what the page allocated since).
   */
  readonly reachableBytes: number
  /**
   * Of the reachable heap, V8's compiled code (bytecode, Sparkplug, Maglev and Turbofan code,
   * feedback; from the snapshot): it grows as more functions get hot enough to compile, which
   * is V8 warming up, not the page keeping anything. Reported beside the heap so the two can be
   * told apart.
   */
  readonly codeBytes: number
  readonly code: CodeBreakdown
  /** Live DOM nodes (attached or not yet collected), from Chromium's counters. */
  readonly nodes: number
  /** Elements in the document: what the view shows; `nodes` far above it is detached DOM. */
  readonly elements: number
  readonly listeners: number
}

/** Growth from `start` to `end` as a percentage of `start`. */
export function growthPercent(start: number, end: number): number {
  return ((end - start) / start) * 100
}

interface Measured {
  readonly memory: WallMemory
  readonly census: HeapCensus
  /** The view the readings were taken on. */
  readonly view: string
  /** Rotations it took to bring the view back. */
  readonly rotations: number
}

/**
 * Real time for the page to render a few more times after a view came up before a reading: the
 * view just unmounted can stay reachable for a while (detached DOM that a forced GC cannot yet
 * collect, most likely through React's fibers until later commits, which the wall's clock makes
 * every second). A reading taken at once once showed 1,000 more nodes than the same view later.
 */
const SETTLE_MS = 3_000

/**
 * Stops the page's clock where it is (a second on: the clock runs on while the call travels,
 * and it cannot be set back).
 */
async function holdClock(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000 * attempt)
      return
    } catch (e) {
      if (attempt >= 5) throw e
    }
  }
}

/**
 * Readings on `view` (on whatever is shown when undefined): rotates to it, lets it settle, then
 * holds the page's clock so the wall cannot rotate during the readings (on a loaded machine they
 * take longer than an interval, and a reading across a rotation once counted 150 DOM nodes);
 * a view that moved on while settling is rotated to again.
 */
async function measure(
  page: Page,
  cdp: CDPSession,
  name: string,
  view?: string,
): Promise<Measured> {
  let rotations = 0
  for (;;) {
    if (view !== undefined) rotations += await rotateTo(page, view)
    await page.waitForTimeout(SETTLE_MS)
    await holdClock(page)
    try {
      const shown = await page.evaluate(() => {
        const wall = document.querySelector<HTMLElement>('[data-testid="wall"]')
        return wall?.dataset.state === 'ready' ? (wall.dataset.view ?? '') : null
      })
      if (shown === null || (view !== undefined && shown !== view)) continue
      // The used size moves with what the page allocated since the GC (a message, a fetch in
      // flight), and the DOM counters count nodes the GC found dead until Blink has swept them
      // (a reading once had 370 more nodes than the snapshot taken right after held): the
      // lowest of a few readings is the one nearest what is kept.
      let heapBytes = Number.POSITIVE_INFINITY
      let nodes = Number.POSITIVE_INFINITY
      let listeners = Number.POSITIVE_INFINITY
      for (let i = 0; i < HEAP_READINGS; i += 1) {
        if (i > 0) await page.waitForTimeout(500)
        // Twice: a first collection can leave garbage its finalisers made.
        await cdp.send('HeapProfiler.collectGarbage')
        await cdp.send('HeapProfiler.collectGarbage')
        heapBytes = Math.min(heapBytes, (await cdp.send('Runtime.getHeapUsage')).usedSize)
        const dom = await cdp.send('Memory.getDOMCounters')
        nodes = Math.min(nodes, dom.nodes)
        listeners = Math.min(listeners, dom.jsEventListeners)
      }
      const elements = await page.evaluate(() => document.getElementsByTagName('*').length)
      const reading = await heapCensus(cdp, snapshotFile(name))
      return {
        memory: {
          heapBytes,
          reachableBytes: reading.reachableBytes,
          codeBytes: reading.code.bytes,
          code: reading.code,
          nodes,
          elements,
          listeners,
        },
        census: reading.census,
        view: shown,
        rotations,
      }
    } finally {
      await page.clock.resume()
    }
  }
}

interface Shown {
  readonly slot: number
  readonly view: string
}

/** Jumps the page's clock one interval and waits for the next view to be drawn. */
async function rotate(page: Page): Promise<Shown> {
  const wall = page.getByTestId('wall')
  const slot = Number(await wall.getAttribute('data-slot'))
  await page.clock.fastForward(INTERVAL_MS)
  // The page's clock also runs on its own between jumps, so the slot may be further on.
  const shown = await page.waitForFunction(
    (before) => {
      const wall = document.querySelector<HTMLElement>('[data-testid="wall"]')
      return Number(wall?.dataset.slot) > before && wall?.dataset.state === 'ready'
        ? { slot: Number(wall?.dataset.slot), view: wall?.dataset.view ?? '' }
        : null
    },
    slot,
    // A view drawn on a machine loaded by other work can take a minute or more.
    { timeout: 180_000 },
  )
  return (await shown.jsonValue()) as Shown
}

/** Rotates until `view` is on screen and drawn. */
async function rotateTo(page: Page, view: string): Promise<number> {
  let rotations = 0
  while ((await page.getByTestId('wall').getAttribute('data-view')) !== view) {
    await rotate(page)
    rotations += 1
  }
  return rotations
}

/** The page's slot now. */
async function slotOf(page: Page): Promise<number> {
  return Number(await page.getByTestId('wall').getAttribute('data-slot'))
}

export async function benchWallSoak(dir: string, updates = 10_000): Promise<WallSoak> {
  // Unique beyond the process: helpers in other sandboxes share the Postgres and Redis.
  const run = `${process.pid}_${Date.now()}`
  const schema = `wallsoak_${run}`
  const tenant = `wall${run}`
  const pool = new Pool({ connectionString: PG_URL, max: 4 })
  const redis = new Redis(REDIS_URL)
  const cache = join(mkdtempSync(join(dir, 'wall-soak-')), 'cache.sqlite')
  let host: Awaited<ReturnType<typeof serveCache>> | undefined
  // The upstream writers, stopped before the schema goes whatever happens (a writer still
  // running then fails on the dropped tables, and its rejection hid the error that stopped the
  // soak).
  const stopWriters = new AbortController()
  const writers: Promise<unknown>[] = []
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
  })
  try {
    await seedUpstream({
      pg: pool,
      schema,
      dataset: generateDemo({ seed: 11, leads: 20_000, endAt: Date.now(), tenantId: tenant }),
      leadCount: 20_000,
    })
    await installChangeLog(pool, schema, opsManifest)
    host = await serveCache(cache, [
      '--pg',
      PG_URL,
      '--pg-schema',
      schema,
      '--redis',
      REDIS_URL,
      '--tenant',
      tenant,
    ])

    const context = await browser.newContext({
      timezoneId: 'UTC',
      viewport: { width: 1920, height: 1080 },
    })
    const page = await context.newPage()
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`)
      void dialog.dismiss()
    })
    let events = 0
    page.on('websocket', (socket) =>
      socket.on('framereceived', (frame) => {
        if (String(frame.payload).includes('data.changed')) events += 1
      }),
    )
    await page.clock.install({ time: new Date() })
    // One cycle without the wall's daily reload: the soak measures what a page keeps.
    await page.goto(`${host.url}?mode=wall&interval=${INTERVAL_MS / 1000}s&reload=off`)
    const cdp = await context.newCDPSession(page)
    // A mark on the page's window: gone at the end, a reload would have reset the heap measured.
    await page.evaluate(() => Object.assign(window, { wallSoakLoad: 'first' }))
    await page.locator('[data-testid="wall"][data-state="ready"]').waitFor({ timeout: 120_000 })
    // The first sync has landed once the numbers say so.
    await page
      .locator('[data-testid="wall-data-as-of"]:not([data-value=""])')
      .waitFor({ timeout: 120_000 })
    const playlist = ((await page.getByTestId('wall').getAttribute('data-playlist')) ?? '').split(
      ',',
    )

    // Warm-up: live changes while the wall rotates through whole rounds of the playlist.
    const warmUpStop = new AbortController()
    stopWriters.signal.addEventListener('abort', () => warmUpStop.abort())
    let warmUpUpdates = 0
    const warmUpWriter = runUpstreamWriter({
      pg: pool,
      redis,
      schema,
      tenantId: tenant,
      ratePerSecond: RATE_PER_SECOND,
      seed: 7,
      signal: warmUpStop.signal,
      onEvent: () => void (warmUpUpdates += 1),
    })
    writers.push(warmUpWriter)
    const firstSlot = await slotOf(page)
    const warmUpReadings: WallCheckpoint[] = []
    let warmUpRotations = 0
    for (;;) {
      const shown = await rotate(page)
      warmUpRotations += 1
      const rounds = Math.floor((shown.slot - firstSlot) / playlist.length)
      if (rounds >= WARM_UP_ROUNDS) break
      const due = WARM_UP_READINGS[warmUpReadings.length]
      if (due !== undefined && rounds >= due) {
        const { memory } = await measure(page, cdp, `warm-up-${due}`)
        warmUpReadings.push({ rounds, updates: warmUpUpdates, memory })
        progress(`  warm-up, ${rounds} rounds: ${describe(memory)}`)
      }
    }
    warmUpStop.abort()
    await warmUpWriter
    // Let the last warm-up changes reach the page before the baseline.
    await page.waitForTimeout(3_000)
    const baseSlot = await slotOf(page)
    const { memory: start, census: startCensus, view } = await measure(page, cdp, 'start')
    progress(
      `  baseline on "${view}" after ${warmUpRotations} warm-up rotations, ${warmUpUpdates} changes: ${describe(start)}`,
    )
    const eventsAtStart = events

    // 10,000 upstream changes at 250/s, the wall rotating all the while, and at least as many
    // rotations as the last checkpoint needs.
    const started = performance.now()
    let writing = true
    let updatesSoFar = 0
    const writer = runUpstreamWriter({
      pg: pool,
      redis,
      schema,
      tenantId: tenant,
      ratePerSecond: RATE_PER_SECOND,
      seed: 11,
      maxEvents: updates,
      signal: stopWriters.signal,
      onEvent: () => void (updatesSoFar += 1),
    }).finally(() => {
      writing = false
    })
    writers.push(writer)
    let rotations = 0
    const checkpoints: WallCheckpoint[] = []
    while (writing || checkpoints.length < CHECKPOINT_ROUNDS.length) {
      const shown = await rotate(page)
      rotations += 1
      const rounds = Math.floor((shown.slot - baseSlot) / playlist.length)
      const due = CHECKPOINT_ROUNDS[checkpoints.length]
      if (due !== undefined && rounds >= due) {
        // On the baseline's view, so the counters compare like with like.
        const { memory, rotations: back } = await measure(page, cdp, `round-${due}`, view)
        rotations += back
        checkpoints.push({
          rounds: Math.floor(((await slotOf(page)) - baseSlot) / playlist.length),
          updates: updatesSoFar,
          memory,
        })
        progress(`  after ${checkpoints.at(-1)?.rounds} rounds: ${describe(memory)}`)
      }
    }
    const written = await writer
    const seconds = (performance.now() - started) / 1000
    // Let the last changes reach the page, then come back to the view measured at the start.
    await page.waitForTimeout(3_000)
    const {
      memory: end,
      census: endCensus,
      rotations: back,
    } = await measure(page, cdp, 'end', view)
    rotations += back
    const reloaded = await page.evaluate(
      () => (window as unknown as { wallSoakLoad?: string }).wallSoakLoad !== 'first',
    )
    await context.close()
    if (dialogs.length > 0) throw new Error(`the wall opened a dialog: ${dialogs.join('; ')}`)
    if (reloaded) throw new Error('the wall reloaded during the soak: its heap was not measured')
    return {
      updates: written.events,
      seconds,
      events: events - eventsAtStart,
      rotations,
      view,
      playlist,
      warmUp: {
        rounds: WARM_UP_ROUNDS,
        rotations: warmUpRotations,
        updates: warmUpUpdates,
        readings: warmUpReadings,
      },
      start,
      checkpoints,
      end,
      grew: censusGrowth(startCensus, endCensus),
    }
  } finally {
    stopWriters.abort()
    await Promise.allSettled(writers)
    await browser.close()
    if (host !== undefined) {
      host.child.kill('SIGTERM')
      await new Promise((resolve) => host?.child.once('exit', resolve))
    }
    await dropUpstream(pool, schema).catch(() => undefined)
    await redis.del(`ops:${tenant}:events`).catch(() => undefined)
    redis.disconnect()
    await pool.end()
  }
}

/** Issue 11's target: the wall's memory grows by less than this over the soak. */
export const WALL_SOAK_TARGET_PERCENT = 5

/** A row of the bench's table. */
export interface WallSoakRow {
  readonly benchmark: string
  readonly figure: string
  readonly baseline: string
  readonly ratio: string
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`
const pct = (start: number, end: number): string => {
  const g = growthPercent(start, end)
  return `${g >= 0 ? '+' : ''}${g.toFixed(1)} %`
}
const verdict = (start: number, end: number): string =>
  growthPercent(start, end) < WALL_SOAK_TARGET_PERCENT ? 'pass' : 'FAIL'
/** The reachable heap without V8's compiled code: what the page's own objects hold. */
const objects = (m: WallMemory): number => m.reachableBytes - m.codeBytes

/**
 * The soak as the bench's rows: the warm-up's readings of compiled code, one row per
 * checkpoint, then the end against the baseline taken after the warm-up, with the target's
 * verdict for the heap (used and reachable), the heap without compiled code and the DOM nodes.
 */
export function wallSoakRows(soak: WallSoak): WallSoakRow[] {
  const { start, end } = soak
  const baseline = `after a warm-up of ${soak.warmUp.rounds} rounds (${soak.warmUp.rotations} rotations under ${soak.warmUp.updates} live changes), on "${soak.view}": ${describe(start)}`
  const rows: WallSoakRow[] = []
  if (soak.warmUp.readings.length > 0) {
    const first = soak.warmUp.readings[0]
    const line = [
      ...soak.warmUp.readings.map((r) => ({ rounds: r.rounds, memory: r.memory })),
      {
        rounds: soak.warmUp.rounds,
        memory: start,
      },
    ]
    rows.push({
      benchmark: `wall soak warm-up: V8's compiled code after rounds ${line.map((r) => r.rounds).join(', ')} of ${soak.playlist.length} views under live changes; forced GC`,
      figure: line
        .map(
          (r) =>
            `${mb(r.memory.codeBytes)} (${r.memory.code.optimizedFunctions} optimised functions)`,
        )
        .join(' → '),
      baseline: first === undefined ? '—' : `after round ${first.rounds}`,
      ratio: `bytecode arrays ${line.map((r) => r.memory.code.bytecodeArrays).join(' → ')}, scripts ${line.map((r) => r.memory.code.scripts).join(' → ')}`,
    })
  }
  for (const c of soak.checkpoints) {
    rows.push({
      benchmark: `wall soak checkpoint: ${c.rounds} full rounds of ${soak.playlist.length} views, ${c.updates} live changes since the baseline; forced GC`,
      figure: describe(c.memory),
      baseline: 'the baseline below',
      ratio: `heap ${pct(start.heapBytes, c.memory.heapBytes)}, reachable ${pct(start.reachableBytes, c.memory.reachableBytes)}, without compiled code ${pct(objects(start), objects(c.memory))}, nodes ${pct(start.nodes, c.memory.nodes)}`,
    })
  }
  // The end is one reading: the largest growth at any checkpoint says how far it moved meanwhile.
  const largest = (of: (m: WallMemory) => number): string => {
    const worst = soak.checkpoints.reduce<WallCheckpoint | undefined>(
      (w, c) => (w === undefined || of(c.memory) > of(w.memory) ? c : w),
      undefined,
    )
    return worst === undefined
      ? '—'
      : `${pct(of(start), of(worst.memory))} after ${worst.rounds} rounds`
  }
  rows.push({
    benchmark: `wall soak: ${soak.updates} live upstream changes in ${soak.seconds.toFixed(0)} s (${soak.events} data.changed at the page), ${soak.rotations} rotations in a compressed clock, no reload; at the end, forced GC on "${soak.view}"`,
    figure: describe(end),
    baseline,
    ratio: [
      `JS heap used ${pct(start.heapBytes, end.heapBytes)} (${verdict(start.heapBytes, end.heapBytes)})`,
      `reachable ${pct(start.reachableBytes, end.reachableBytes)} (${verdict(start.reachableBytes, end.reachableBytes)})`,
      `without compiled code ${pct(objects(start), objects(end))} (${verdict(objects(start), objects(end))})`,
      `compiled code ${pct(start.codeBytes, end.codeBytes)}`,
      `nodes ${pct(start.nodes, end.nodes)} (${verdict(start.nodes, end.nodes)})`,
      `listeners ${pct(start.listeners, end.listeners)}; target < ${WALL_SOAK_TARGET_PERCENT} %`,
      `largest at a checkpoint: JS heap used ${largest((m) => m.heapBytes)}, without compiled code ${largest(objects)}, nodes ${largest((m) => m.nodes)}`,
    ].join('; '),
  })
  return rows
}

/** Where the raw snapshots go, when WALL_SOAK_SNAPSHOTS names a directory. */
function snapshotFile(name: string): string | undefined {
  const dir = process.env.WALL_SOAK_SNAPSHOTS
  return dir === undefined || dir === '' ? undefined : join(dir, `wall-${name}.heapsnapshot`)
}

function describe(memory: WallMemory): string {
  const { code } = memory
  return [
    `JS heap used ${mb(memory.heapBytes)}, reachable ${mb(memory.reachableBytes)}`,
    `(compiled code ${mb(memory.codeBytes)}: optimised ${mb(code.optimizedBytes)} in ${code.optimizedFunctions} functions, baseline ${mb(code.baselineBytes)} in ${code.baselineFunctions})`,
    `${memory.nodes} DOM nodes (${memory.elements} elements in the document), ${memory.listeners} listeners`,
  ].join(' ')
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`)
}

// `npx tsx tests/bench/wall-soak.ts`: this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-wall-'))
  try {
    const soak = await benchWallSoak(dir, Number(process.env.WALL_UPDATES ?? 10_000))
    console.log(JSON.stringify(soak, null, 2))
    for (const row of wallSoakRows(soak))
      progress(`${row.benchmark}\n  ${row.figure}\n  ${row.ratio}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
