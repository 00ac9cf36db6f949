// The core's watchdog (issue 10), with a real core process made to spin: the
// test-only fault WATCHFLOOR_FAULT=spin:<method> (main/core/core-process.ts)
// loops for ever on the core's thread when that method is called, as a query
// that never ends would. The fault is set only while the first core is
// forked, so the core the watchdog restarts is a healthy one.
//
// Nothing here waits on speed: every wait is on a condition (a reply, an
// exit, the restart counter) with a deadline far above what the loaded
// 2-core test machine needs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { ApiErrorData, ApiResult } from '../../shared/api/index.ts'
import {
  nodeCoreLauncher,
  spawnCore,
  type CoreClient,
  type CoreLauncher,
  type SpawnCoreOptions,
} from '../../main/core/spawn-core.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import { callFrame, openApiSocket, pageCookie, type ApiSocket } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const WATCHDOG_MS = 1_500
/**
 * Where a test must see the core spin before the watchdog fires, the
 * watchdog is given longer, so a starved core still shows its spin first.
 */
const SLOW_WATCHDOG_MS = 5_000
/** A quarter of a second of CPU (Linux counts 100 ticks a second). */
const SPINNING_TICKS = 25
/** Far above the watchdog plus a core's start-up on a loaded machine. */
const DEADLINE_MS = 60_000
const WATCHDOG_SENTENCE = /^the core did not answer for \d+ s and was restarted; try again$/

const temp = tempDir('watchfloor-watchdog-')
const open: { cores: CoreClient[]; hosts: Host[]; sockets: ApiSocket[] } = {
  cores: [],
  hosts: [],
  sockets: [],
}

afterEach(async () => {
  for (const s of open.sockets.splice(0)) s.ws.terminate()
  for (const h of open.hosts.splice(0)) await h.close()
  for (const c of open.cores.splice(0)) await c.close()
})
afterAll(() => temp.cleanup())

/** How each core process of one client ended, in order. */
type Exit = { readonly pid: number | undefined; code: number | null; signal: string | null }

/**
 * A client whose first core spins on `activity.page`. The launcher is the
 * real one (a Node child process); it only records how each process ended.
 */
async function spinningCore(
  name: string,
  options: SpawnCoreOptions = {},
): Promise<{ core: CoreClient; exits: Exit[]; logs: string[] }> {
  const exits: Exit[] = []
  const logs: string[] = []
  const launch: CoreLauncher = (config) => {
    const proc = nodeCoreLauncher(config)
    void proc.exited.then(({ code, signal }) => exits.push({ pid: proc.pid, code, signal }))
    return proc
  }
  const before = process.env.WATCHFLOOR_FAULT
  process.env.WATCHFLOOR_FAULT = 'spin:activity.page'
  let core: CoreClient
  try {
    core = await spawnCore(
      { dbPath: join(temp.dir, `${name}.sqlite`), demo: null, version: 'test' },
      { launch, log: (line) => logs.push(line), watchdogMs: WATCHDOG_MS, ...options },
    )
  } finally {
    if (before === undefined) delete process.env.WATCHFLOOR_FAULT
    else process.env.WATCHFLOOR_FAULT = before
  }
  open.cores.push(core)
  return { core, exits, logs }
}

/** Whether a process with this pid still exists (a reaped child does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

/** CPU time (user + system, in clock ticks) the process has used so far, from /proc. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/**
 * Waits until the core has surely started spinning: it has burnt a quarter
 * of a second of CPU since it was asked (an idle core burns next to none). A signal from the process
 * itself, not a guess at how long the call takes to arrive.
 */
async function spinning(pid: number): Promise<void> {
  const from = cpuTicks(pid)
  await until('the core to spin on the CPU', () => {
    if (!alive(pid)) throw new Error('the core ended before it was seen spinning')
    return cpuTicks(pid) - from >= SPINNING_TICKS ? true : undefined
  })
}

/** app.status until it answers ok: the restarted core is serving again. */
const answersAgain = (core: CoreClient) =>
  until(
    'app.status to be answered again',
    async () => {
      const result = await core.invoke('app.status', {})
      return result.ok ? result : undefined
    },
    DEADLINE_MS,
  )

/** The error a call failed with; a call that answered fails the test. */
function errorOf(result: ApiResult<unknown>): ApiErrorData {
  if (result.ok) throw new Error(`the call answered: ${JSON.stringify(result.value)}`)
  return result.error
}

/** Failed with `unavailable` and the watchdog's sentence. */
function expectWatchdogSentence(result: ApiResult<unknown>): void {
  const error = errorOf(result)
  expect(error.code).toBe('unavailable')
  expect(error.message).toMatch(WATCHDOG_SENTENCE)
}

describe('the core watchdog', () => {
  it('kills a core that spins, settles its call with the sentence, and the new core answers', async () => {
    const { core, exits, logs } = await spinningCore('spin')
    expect(await core.invoke('app.status', {})).toMatchObject({ ok: true })
    const pid = core.pid as number

    const started = Date.now()
    const result = await core.invoke('activity.page', {})
    expectWatchdogSentence(result)
    // The watchdog waited for its time, not less.
    expect(Date.now() - started).toBeGreaterThanOrEqual(WATCHDOG_MS)

    await until('the core restarted', () => (core.restarts === 1 ? true : undefined), DEADLINE_MS)
    expect(core.pid).not.toBe(pid)
    expect(await answersAgain(core)).toMatchObject({ ok: true, value: { leadCount: 0 } })
    expect(exits).toEqual([{ pid, code: null, signal: 'SIGKILL' }])
    expect(alive(pid)).toBe(false)
    expect(
      logs.some((l) => /did not answer for \d+ s and was restarted \(watchdog\)/.test(l)),
    ).toBe(true)
    // The restarted core was forked without the fault: the same call now answers.
    expect(await core.invoke('activity.page', {})).toMatchObject({ ok: true })
    expect(core.restarts).toBe(1)
  })

  it('settles every call held by the spinning core, and the others work again after the restart', async () => {
    const { core } = await spinningCore('spin-two', { watchdogMs: SLOW_WATCHDOG_MS })
    const pid = core.pid as number
    const spin = core.invoke('activity.page', {})
    await spinning(pid)
    // Another caller's cheap call queues behind the spinning one in the core.
    const other = await core.invoke('app.status', {})
    expectWatchdogSentence(other)
    expect(errorOf(await spin)).toMatchObject({ code: 'unavailable' })
    expect(await answersAgain(core)).toMatchObject({ ok: true })
    expect(core.pid).not.toBe(pid)
    expect(core.restarts).toBe(1)
  })

  it('close() ends a client whose core is spinning, and the process is gone', async () => {
    // The watchdog is far away: close() alone must end the busy core.
    const { core, exits } = await spinningCore('close-spin', {
      watchdogMs: 600_000,
      killGraceMs: 500,
    })
    const pid = core.pid as number
    const spin = core.invoke('activity.page', {})
    await spinning(pid)
    await core.close()
    expect(alive(pid)).toBe(false)
    expect(exits).toHaveLength(1)
    expect(exits[0]?.pid).toBe(pid)
    // With no SIGTERM handler in the core the SIGTERM ends it; SIGKILL if the grace ran out.
    expect(['SIGTERM', 'SIGKILL']).toContain(exits[0]?.signal)
    expect(errorOf(await spin)).toMatchObject({ code: 'unavailable' })
    expect(core.restarts).toBe(0)
  })

  it('close() escalates to SIGKILL when SIGTERM cannot end the core', async () => {
    // A stopped process keeps SIGTERM pending (only SIGKILL ends it): a core
    // that does not act on SIGTERM, for whatever reason.
    const { core, exits } = await spinningCore('close-stopped', {
      watchdogMs: 600_000,
      killGraceMs: 500,
    })
    const pid = core.pid as number
    process.kill(pid, 'SIGSTOP')
    const pending = core.invoke('app.status', {})
    await core.close()
    expect(exits).toEqual([{ pid, code: null, signal: 'SIGKILL' }])
    expect(alive(pid)).toBe(false)
    expect(errorOf(await pending)).toMatchObject({ code: 'unavailable' })
  })

  it('a plain SIGTERM ends a busy core, and the client restarts it', async () => {
    const { core, exits } = await spinningCore('sigterm', { watchdogMs: 600_000 })
    const pid = core.pid as number
    const spin = core.invoke('activity.page', {})
    await spinning(pid)
    process.kill(pid, 'SIGTERM')
    expect(errorOf(await spin)).toEqual({
      code: 'unavailable',
      message: 'the core process stopped while answering; try again in a moment',
    })
    await until('the core restarted', () => (core.restarts === 1 ? true : undefined), DEADLINE_MS)
    expect(exits[0]).toEqual({ pid, code: null, signal: 'SIGTERM' })
    expect(alive(pid)).toBe(false)
    expect(await answersAgain(core)).toMatchObject({ ok: true })
  })
})

describe('the watchdog behind the browser host', () => {
  /** The reply to call `id`, skipping the events the host pushes meanwhile. */
  async function replyTo(socket: ApiSocket, id: string): Promise<Record<string, unknown>> {
    for (;;) {
      const frame = await socket.next()
      if (frame.t === 's' && frame.i === id) return frame
    }
  }

  it("another page is answered again after the spinning core is restarted, and its footer's status meanwhile", async () => {
    const { core } = await spinningCore('host', { watchdogMs: SLOW_WATCHDOG_MS })
    const staticDir = join(temp.dir, 'renderer-host')
    mkdirSync(staticDir, { recursive: true })
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
    const host = await startHost({ core, staticDir, port: 0 })
    open.hosts.push(host)
    const connect = async () => {
      const socket = await openApiSocket(host.url, { cookie: await pageCookie(host.url) })
      open.sockets.push(socket)
      return socket
    }
    const spinner = await connect()
    const other = await connect()
    other.ws.send(callFrame('before', 'app.status', {}))
    expect(await replyTo(other, 'before')).toMatchObject({ r: { ok: true } })

    const pid = core.pid as number
    spinner.ws.send(callFrame('spin', 'activity.page', {}))
    await spinning(pid)
    // The footer's status: the host's kept answer, even while the core spins.
    other.ws.send(callFrame('status', 'app.status', {}))
    expect(await replyTo(other, 'status')).toMatchObject({ r: { ok: true } })
    // A call only the core can answer waits for the watchdog.
    other.ws.send(callFrame('during', 'filters.values', {}))
    expectWatchdogSentence((await replyTo(other, 'during')).r as ApiResult<unknown>)
    expect(await replyTo(spinner, 'spin')).toMatchObject({
      r: { ok: false, error: { code: 'unavailable' } },
    })

    // The same socket is served by the new core (asked again until it is up).
    let attempt = 0
    const answered = await until(
      'the other page to be answered again',
      async () => {
        const id = `after-${(attempt += 1)}`
        other.ws.send(callFrame(id, 'filters.values', {}))
        const frame = await replyTo(other, id)
        return (frame.r as ApiResult<unknown>).ok ? frame : undefined
      },
      DEADLINE_MS,
    )
    expect(answered).toMatchObject({ r: { ok: true, value: { source: [] } } })
    expect(core.pid).not.toBe(pid)
    expect(core.restarts).toBe(1)
    expect(alive(pid)).toBe(false)
    expect(other.closed()).toBe(false)
    expect(spinner.closed()).toBe(false)
  })
})
