// Api latency under a flood (issue 10): one well-behaved client polls what a
// wall screen on the overview asks (app.status, then the overview's
// kpis.dashboard, one call at a time) through the real host (`watchfloor
// serve`, the core in its own process), first alone, then while another
// client sends 5,000 of the same calls in bursts, then alone again. The host
// admits calls into the core per connection and round-robin
// (main/host/call-scheduler.ts), so the poller's wait is bounded by the calls
// already admitted into the core (which answers one at a time), not by the
// flood's length; the bench also runs the host with fewer admitted at once
// (`limits.total`) to show what that bound costs. The flooder runs in a
// process of its own (api-flood-child.ts): the two clients share only the
// host.
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rendererDir } from '../../main/cli/paths.ts'
import { spawnCore } from '../../main/core/spawn-core.ts'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import type { SchedulerLimits } from '../../main/host/call-scheduler.ts'
import { startHost } from '../../main/host/server.ts'
import { openStore } from '../../main/store/index.ts'
import { serveCache } from '../e2e/host-fixture.ts'
import { OVERVIEW_CALLS, connectApi, sessionCookie, type ApiClient } from './api-client.ts'
import type { FloodJob, FloodMessage } from './api-flood-child.ts'

const CHILD = fileURLToPath(new URL('./api-flood-child.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

export const FLOOD_LEADS = 100_000
export const FLOOD_CALLS = 5_000
export const FLOOD_BURST = 500
/** Polls of each alone phase (before and after the flood). */
const ALONE_POLLS = 150
/** The poller's pause between polls: a screen refreshing, not a loop. */
const POLL_GAP_MS = 20

export interface LatencySamples {
  /** Milliseconds of each call, by method. */
  readonly alone: Record<string, number[]>
  readonly flooded: Record<string, number[]>
}

export interface ApiFloodBench extends LatencySamples {
  readonly flood: { ok: number; failed: Record<string, number>; seconds: number }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One poll: the overview's calls in turn, each timed; a failed call stops the bench. */
async function poll(client: ApiClient, into: Record<string, number[]>): Promise<void> {
  for (const [method, input] of OVERVIEW_CALLS) {
    const { result, ms } = await client.call(method, input)
    if (!result.ok) throw new Error(`the poller's ${method} failed: ${result.error.message}`)
    ;(into[method] ??= []).push(ms)
  }
}

function startFlooder(job: FloodJob): {
  ready: Promise<void>
  go(): void
  done: Promise<Extract<FloodMessage, { type: 'result' }>>
  stop(): void
} {
  const child = fork(CHILD, [JSON.stringify(job)], {
    execArgv: ['--import', TSX],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let readyResolve: () => void = () => {}
  const ready = new Promise<void>((resolve) => (readyResolve = resolve))
  const done = new Promise<Extract<FloodMessage, { type: 'result' }>>((resolve, reject) => {
    child.on('message', (message: FloodMessage) => {
      if (message.type === 'ready') readyResolve()
      else if (message.type === 'result') resolve(message)
      else reject(new Error(`the flooder failed: ${message.message}`))
    })
    child.once('exit', (code) => reject(new Error(`the flooder exited (${code}) without a result`)))
  })
  // The flooder reports before it exits; a rejection after that is nobody's business.
  done.catch(() => undefined)
  return {
    ready,
    go: () => child.send('go'),
    done,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill()
    },
  }
}

/** The flood's cache: FLOOD_LEADS demo leads in `dir`. */
export function floodCache(dir: string): string {
  const dbPath = join(dir, 'flood.sqlite')
  const db = openStore(dbPath)
  fillCache(
    db,
    generateDemo({ seed: 42, leads: FLOOD_LEADS, endAt: Date.parse('2026-11-01T12:00:00Z') }),
  )
  db.close()
  return dbPath
}

/**
 * The host the clients talk to: `watchfloor serve` as shipped, or, given `limits`, the same
 * host started in this process with other admission limits (to see what they change).
 */
async function startServing(
  dbPath: string,
  limits: SchedulerLimits | undefined,
): Promise<{ url: string; stop(): Promise<void> }> {
  if (!limits) {
    const served = await serveCache(dbPath, ['--no-demo'])
    return {
      url: served.url,
      stop: async () => {
        served.child.kill('SIGTERM')
        await new Promise((resolve) => served.child.once('exit', resolve))
      },
    }
  }
  const core = await spawnCore({ dbPath, demo: null, version: 'bench' }, { log: () => undefined })
  const host = await startHost({ core, staticDir: rendererDir, port: 0, limits })
  return {
    url: host.url,
    stop: async () => {
      await host.close()
      await core.close()
    },
  }
}

export async function benchApiFlood(
  dbPath: string,
  limits?: SchedulerLimits,
): Promise<ApiFloodBench> {
  const served = await startServing(dbPath, limits)
  const alone: Record<string, number[]> = {}
  const flooded: Record<string, number[]> = {}
  let flooder: ReturnType<typeof startFlooder> | undefined
  try {
    const poller = await connectApi(served.url, await sessionCookie(served.url))
    // Warm-up (unmeasured): the core's statement cache and the page cache.
    for (let i = 0; i < 30; i += 1) await poll(poller, {})

    for (let i = 0; i < ALONE_POLLS; i += 1) {
      await poll(poller, alone)
      await sleep(POLL_GAP_MS)
    }

    flooder = startFlooder({
      url: served.url,
      cookie: await sessionCookie(served.url),
      calls: FLOOD_CALLS,
      burst: FLOOD_BURST,
      refillBelow: FLOOD_BURST / 2,
    })
    await flooder.ready
    let flooding = true
    const flood = flooder.done.finally(() => (flooding = false))
    flood.catch(() => undefined)
    flooder.go()
    while (flooding) {
      await poll(poller, flooded)
      await sleep(POLL_GAP_MS)
    }
    const result = await flood

    for (let i = 0; i < ALONE_POLLS; i += 1) {
      await poll(poller, alone)
      await sleep(POLL_GAP_MS)
    }
    poller.close()
    return {
      alone,
      flooded,
      flood: { ok: result.ok, failed: result.failed, seconds: result.seconds },
    }
  } finally {
    flooder?.stop()
    await served.stop()
  }
}
