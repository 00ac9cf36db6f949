// Wall soak: a wall screen in Chromium through `watchfloor serve`, syncing a live Postgres and
// Redis upstream (the demo writer: lead changes committed and announced on the stream, an
// alert every 200), while the page's clock is jumped on so the playlist rotates many times.
// JS heap and DOM counters are read after a forced GC on the same view before and after:
// a wall runs for months, so anything that grows per update or per rotation shows here.
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

export interface WallSoak {
  readonly updates: number
  readonly seconds: number
  /** `data.changed` events the page received over its WebSocket. */
  readonly events: number
  readonly rotations: number
  readonly view: string
  readonly start: WallMemory
  readonly end: WallMemory
}

export interface WallMemory {
  readonly heapBytes: number
  readonly nodes: number
  readonly listeners: number
}

async function measure(cdp: CDPSession): Promise<WallMemory> {
  // Twice: a first collection can leave garbage its finalisers made.
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  const heap = await cdp.send('Runtime.getHeapUsage')
  const dom = await cdp.send('Memory.getDOMCounters')
  return { heapBytes: heap.usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners }
}

/** Jumps the page's clock one interval and waits for the next view to be drawn. */
async function rotate(page: Page): Promise<string> {
  const wall = page.getByTestId('wall')
  const slot = Number(await wall.getAttribute('data-slot'))
  await page.clock.fastForward(INTERVAL_MS)
  // The page's clock also runs on its own between jumps, so the slot may be further on.
  await page.waitForFunction(
    (before) => {
      const shown = document.querySelector<HTMLElement>('[data-testid="wall"]')
      return Number(shown?.dataset.slot) > before && shown?.dataset.state === 'ready'
    },
    slot,
    { timeout: 60_000 },
  )
  return (await wall.getAttribute('data-view')) ?? ''
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

export async function benchWallSoak(dir: string, updates = 10_000): Promise<WallSoak> {
  const schema = `wf_bench_wall_${process.pid}`
  const tenant = `wall${process.pid}`
  const pool = new Pool({ connectionString: PG_URL, max: 4 })
  const redis = new Redis(REDIS_URL)
  const cache = join(mkdtempSync(join(dir, 'wall-soak-')), 'cache.sqlite')
  let host: Awaited<ReturnType<typeof serveCache>> | undefined
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
    await page.goto(`${host.url}?mode=wall&interval=${INTERVAL_MS / 1000}s`)
    const cdp = await context.newCDPSession(page)
    await page.locator('[data-testid="wall"][data-state="ready"]').waitFor({ timeout: 120_000 })
    // The first sync has landed once the numbers say so; then one full round of the playlist
    // loads every view's code and Plotly before the first measurement.
    await page
      .locator('[data-testid="wall-data-as-of"]:not([data-value=""])')
      .waitFor({ timeout: 120_000 })
    const playlist = ((await page.getByTestId('wall').getAttribute('data-playlist')) ?? '').split(
      ',',
    )
    for (let i = 0; i < playlist.length; i += 1) await rotate(page)
    const view = (await page.getByTestId('wall').getAttribute('data-view')) ?? ''
    const start = await measure(cdp)
    const eventsAtStart = events

    // 10,000 upstream changes at 250/s, the wall rotating all the while.
    const started = performance.now()
    let writing = true
    const writer = runUpstreamWriter({
      pg: pool,
      redis,
      schema,
      tenantId: tenant,
      ratePerSecond: 250,
      seed: 11,
      maxEvents: updates,
    }).finally(() => {
      writing = false
    })
    let rotations = 0
    while (writing) {
      await rotate(page)
      rotations += 1
    }
    const written = await writer
    const seconds = (performance.now() - started) / 1000
    // Let the last changes reach the page, then come back to the view measured at the start.
    await page.waitForTimeout(3_000)
    rotations += await rotateTo(page, view)
    const end = await measure(cdp)
    await context.close()
    if (dialogs.length > 0) throw new Error(`the wall opened a dialog: ${dialogs.join('; ')}`)
    return {
      updates: written.events,
      seconds,
      events: events - eventsAtStart,
      rotations,
      view,
      start,
      end,
    }
  } finally {
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

// `npx tsx tests/bench/wall-soak.ts`: this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-wall-'))
  try {
    console.log(
      JSON.stringify(await benchWallSoak(dir, Number(process.env.WALL_UPDATES ?? 10_000)), null, 2),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
