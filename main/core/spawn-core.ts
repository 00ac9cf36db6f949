import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createBirpc, type BirpcReturn } from 'birpc'
import { MAX_REQUEST_DEPTH, nestsDeeperThan, type ApiResult } from '../../shared/api/index.ts'
import {
  configHandOver,
  coreEnvironment,
  type CoreConfig,
  type CoreFunctions,
  type ParentFunctions,
} from './core-protocol.ts'

export interface CoreClient {
  /** `caller`: who makes the call (shared/api/roles.ts); left out, the person at this machine. */
  invoke(method: unknown, input: unknown, caller?: unknown): Promise<ApiResult<unknown>>
  onEvent(listener: (name: string, payload: unknown) => void): () => void
  /** The current core process's pid (it changes when a crashed core is restarted). */
  readonly pid: number | undefined
  /** How many times a crashed core was restarted. */
  readonly restarts: number
  close(): Promise<void>
}

/**
 * A running core process, however it was started: a Node child process here,
 * an Electron utilityProcess in the app (main/electron/core-utility.ts).
 */
export interface CoreProcess {
  send(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
  /** Settles once, when the process has exited. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null }>
  readonly pid: number | undefined
  /** SIGTERM by default; SIGKILL for a core that stopped answering (its thread is not free to exit). */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): void
}

/** Starts one core process with this configuration in its environment. */
export type CoreLauncher = (config: CoreConfig) => CoreProcess

/**
 * The file a Node core process runs. Built code (the CLI in out/cli/) forks
 * the core built beside it. Source code (tests, the bench, the bin's tsx
 * fallback) forks bin/core-process.mjs, which runs that built core too while
 * no source changed since the build (bin/fresh-build.mjs), and the
 * TypeScript entry through tsx otherwise.
 */
function coreEntry(): string {
  const self = import.meta.url
  const fromSource = self.endsWith('.ts')
  return fileURLToPath(
    new URL(fromSource ? '../../bin/core-process.mjs' : './core-process.js', self),
  )
}

/** The core as a Node child process (the browser host, the CLI, tests). */
export const nodeCoreLauncher: CoreLauncher = (config) => {
  const child = fork(coreEntry(), [], {
    // Not the parent's flags: under tsx or vitest they would load a
    // TypeScript loader into a core that runs JavaScript.
    execArgv: [],
    env: coreEnvironment(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const send = (message: unknown) => {
    if (child.connected) child.send(message as object)
  }
  // The configuration (with the profile's secrets) goes over the IPC channel when the core asks.
  const handOver = configHandOver(config, send)
  const listeners = new Set<(message: unknown) => void>()
  child.on('message', (message) =>
    handOver(message, (m) => listeners.forEach((listener) => listener(m))),
  )
  return {
    send,
    onMessage: (listener) => void listeners.add(listener),
    exited: new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    ),
    get pid() {
      return child.pid
    },
    kill: (signal = 'SIGTERM') => void child.kill(signal),
  }
}

export interface SpawnCoreOptions {
  /** How the core process is started (default: a Node child process). */
  readonly launch?: CoreLauncher
  readonly log?: (line: string) => void
  readonly progress?: (phase: string, done: number, total: number) => void
  /** Restart a core that dies unexpectedly (default true): a wall screen has nobody to do it. */
  readonly restart?: boolean
  /**
   * A core with calls in flight that answers none of them for this long is
   * killed and restarted (default 30 s): a query that never ends must not
   * leave every screen waiting for ever.
   */
  readonly watchdogMs?: number
  /** How long close() waits after SIGTERM before SIGKILL (default 5 s). */
  readonly killGraceMs?: number
}

/** The watchdog's default: no call of the contract takes this long on a healthy core. */
export const CORE_WATCHDOG_MS = 30_000

/** A dead core's first restart waits about this long, doubling up to CORE_RESTART_MAX_MS. */
export const CORE_RESTART_FIRST_MS = 250
export const CORE_RESTART_MAX_MS = 30_000
/** A core that ran this long before dying starts its restarts' backoff again from the first. */
export const CORE_STABLE_MS = 60_000

/**
 * The wait before restart `attempt` (0 first) of a core that died: doubling from
 * CORE_RESTART_FIRST_MS to CORE_RESTART_MAX_MS, jittered within its upper half (`random` in
 * [0, 1)) so that cores dying together do not come back in step.
 */
export function coreRestartDelayMs(attempt: number, random: number): number {
  const base = Math.min(CORE_RESTART_MAX_MS, CORE_RESTART_FIRST_MS * 2 ** Math.max(0, attempt))
  const jitter = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0.5
  return base * (0.5 + jitter / 2)
}

/**
 * The attempt a new round of restarts starts from: where the last round ended when the core
 * it brought back died again within CORE_STABLE_MS (a core that dies at every sync must not be
 * restarted four times a second for ever), else the first.
 */
export const firstRestartAttempt = (streak: number, ranForMs: number): number =>
  ranForMs < CORE_STABLE_MS ? streak : 0

type ReadyInfo = { ok: true } | { ok: false; message: string }

interface Running {
  proc: CoreProcess
  rpc: BirpcReturn<CoreFunctions, ParentFunctions>
  exited: Promise<void>
  isDone(): boolean
  /** Set when the watchdog killed it: what its in-flight calls are told. */
  killedBecause?: string
}

const unavailable = (message: string): ApiResult<never> => ({
  ok: false,
  error: { code: 'unavailable', message },
})

/**
 * Runs the core in a process of its own (a Node child process, or what
 * `launch` starts: the Electron app's utilityProcess), so that
 * better-sqlite3's synchronous queries never stall the thread that serves
 * pages and sockets. Resolves once the core has opened its cache (and filled
 * demo data). A core that crashes later is restarted with backoff; calls in
 * flight settle with `unavailable`, calls made meanwhile get it too, and
 * pages are told to refetch once it is back. The one client for every host.
 */
export async function spawnCore(
  config: CoreConfig,
  options: SpawnCoreOptions = {},
): Promise<CoreClient> {
  const launch = options.launch ?? nodeCoreLauncher
  const listeners = new Set<(name: string, payload: unknown) => void>()
  const emit = (name: string, payload: unknown) => listeners.forEach((l) => l(name, payload))
  let closing = false
  let restarts = 0
  let current: Running | undefined
  // The backoff carried over to the next round (firstRestartAttempt), and when the core last came up.
  let streak = 0
  let upSince = Date.now()

  function start(): { running: Running; ready: Promise<ReadyInfo> } {
    const proc = launch(config)
    let readyResolve: (info: ReadyInfo) => void = () => {}
    const ready = new Promise<ReadyInfo>((resolve) => (readyResolve = resolve))
    let done = false
    const exited = proc.exited.then(({ code, signal }) => {
      done = true
      readyResolve({ ok: false, message: `the core process exited (${signal ?? `code ${code}`})` })
    })
    const rpc = createBirpc<CoreFunctions, ParentFunctions>(
      {
        ready: (info) => readyResolve(info),
        event: emit,
        log: (line) => options.log?.(line),
        progress: (phase, done, total) => options.progress?.(phase, done, total),
      },
      {
        post: (d) => {
          if (!done) proc.send(d)
        },
        on: (fn) => proc.onMessage(fn),
        timeout: -1,
      },
    )
    return { running: { proc, rpc, exited, isDone: () => done }, ready }
  }

  function supervise(running: Running): void {
    void running.exited.then(async () => {
      void running.rpc.$rejectPendingCalls()
      if (closing || options.restart === false) return
      // Back off if the core keeps dying (a damaged disk, say), but come back.
      const from = firstRestartAttempt(streak, Date.now() - upSince)
      for (let attempt = from; !closing; attempt += 1) {
        const delay = coreRestartDelayMs(attempt, Math.random())
        options.log?.(
          `the core process stopped unexpectedly; restarting in ${Math.round(delay)} ms`,
        )
        await new Promise((resolve) => setTimeout(resolve, delay))
        if (closing) return
        const next = start()
        const info = await next.ready
        if (closing) {
          // close() came while this one started: it must not outlive the client.
          next.running.proc.kill('SIGKILL')
          await next.running.exited
          return
        }
        if (info.ok) {
          restarts += 1
          streak = attempt + 1
          upSince = Date.now()
          current = next.running
          supervise(next.running)
          emit('data.changed', { tables: [], at: new Date().toISOString() })
          return
        }
        options.log?.(`the core did not come back: ${info.message}`)
        next.running.proc.kill()
        await next.running.exited
      }
    })
  }

  // The watchdog: calls in flight, and when the core last answered one (or
  // when it became busy).
  const watchdogMs = options.watchdogMs ?? CORE_WATCHDOG_MS
  let inFlight = 0
  let lastAnswerAt = Date.now()
  const watchdog = setInterval(
    () => {
      const running = current
      if (!running || running.isDone() || running.killedBecause || inFlight === 0) return
      const silent = Date.now() - lastAnswerAt
      if (silent <= watchdogMs) return
      running.killedBecause = `the core did not answer for ${Math.round(silent / 1000)} s and was restarted; try again`
      options.log?.(`${running.killedBecause.replace('; try again', '')} (watchdog)`)
      running.proc.kill('SIGKILL')
    },
    Math.max(50, Math.min(1_000, watchdogMs / 5)),
  )
  watchdog.unref()

  const first = start()
  const info = await first.ready
  if (!info.ok) {
    first.running.proc.kill()
    throw new Error(info.message)
  }
  current = first.running
  upSince = Date.now()
  supervise(first.running)

  return {
    get pid() {
      return current?.proc.pid
    },
    get restarts() {
      return restarts
    },
    invoke: async (method, input, caller) => {
      // Refused here, before the IPC channel's serialiser meets it.
      if (nestsDeeperThan(input, MAX_REQUEST_DEPTH)) {
        return {
          ok: false,
          error: {
            code: 'bad_request',
            message: `the request nests deeper than ${MAX_REQUEST_DEPTH} levels`,
          },
        }
      }
      const running = current
      if (!running || running.isDone()) {
        return unavailable('the core process is restarting; try again in a moment')
      }
      if (inFlight === 0) lastAnswerAt = Date.now()
      inFlight += 1
      try {
        return await running.rpc.invoke(method, input, caller)
      } catch {
        return unavailable(
          running.killedBecause ??
            'the core process stopped while answering; try again in a moment',
        )
      } finally {
        inFlight -= 1
        lastAnswerAt = Date.now()
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      closing = true
      clearInterval(watchdog)
      const running = current
      if (!running) return
      running.rpc.$close()
      if (!running.isDone()) {
        // A busy core cannot run its SIGTERM handler: after the grace, SIGKILL.
        running.proc.kill()
        const grace = setTimeout(() => running.proc.kill('SIGKILL'), options.killGraceMs ?? 5_000)
        await running.exited
        clearTimeout(grace)
      }
    },
  }
}
