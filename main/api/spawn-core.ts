import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createBirpc, type BirpcReturn } from 'birpc'
import type { ApiResult } from '../../shared/api/index.ts'
import {
  CORE_CONFIG_ENV,
  type CoreConfig,
  type CoreFunctions,
  type ParentFunctions,
} from './core-protocol.ts'

export interface CoreClient {
  invoke(method: unknown, input: unknown): Promise<ApiResult<unknown>>
  onEvent(listener: (name: string, payload: unknown) => void): () => void
  /** The current core process's pid (it changes when a crashed core is restarted). */
  readonly pid: number | undefined
  /** How many times a crashed core was restarted. */
  readonly restarts: number
  close(): Promise<void>
}

export interface SpawnCoreOptions {
  readonly log?: (line: string) => void
  readonly progress?: (phase: string, done: number, total: number) => void
  /** Restart a core that dies unexpectedly (default true): a wall screen has nobody to do it. */
  readonly restart?: boolean
}

type ReadyInfo = { ok: true } | { ok: false; message: string }

interface Running {
  child: ChildProcess
  rpc: BirpcReturn<CoreFunctions, ParentFunctions>
  exited: Promise<void>
}

const unavailable = (message: string): ApiResult<never> => ({
  ok: false,
  error: { code: 'unavailable', message },
})

/**
 * Runs the core in a Node child process, so that better-sqlite3's
 * synchronous queries never stall the thread that serves pages and sockets.
 * Resolves once the core has opened its cache (and filled demo data). A core
 * that crashes later is restarted with backoff; calls made meanwhile get
 * `unavailable`, and pages are told to refetch once it is back.
 */
export async function spawnCore(
  config: CoreConfig,
  options: SpawnCoreOptions = {},
): Promise<CoreClient> {
  const self = import.meta.url
  const fromSource = self.endsWith('.ts')
  const entry = fileURLToPath(new URL(fromSource ? './core-process.ts' : './core-process.js', self))
  // Under tsx the child needs the same loader; resolve it to a file URL so it
  // works whatever the current directory is.
  const execArgv = fromSource ? ['--import', import.meta.resolve('tsx')] : []
  const listeners = new Set<(name: string, payload: unknown) => void>()
  const emit = (name: string, payload: unknown) => listeners.forEach((l) => l(name, payload))
  let closing = false
  let restarts = 0
  let current: Running | undefined

  function start(): { running: Running; ready: Promise<ReadyInfo> } {
    const child = fork(entry, [], {
      execArgv,
      env: { ...process.env, [CORE_CONFIG_ENV]: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let readyResolve: (info: ReadyInfo) => void = () => {}
    const ready = new Promise<ReadyInfo>((resolve) => (readyResolve = resolve))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.once('exit', (code, signal) => {
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
          if (child.connected) child.send(d as object)
        },
        on: (fn) => void child.on('message', fn),
        timeout: -1,
      },
    )
    return { running: { child, rpc, exited }, ready }
  }

  function supervise(running: Running): void {
    void running.exited.then(async () => {
      void running.rpc.$rejectPendingCalls()
      if (closing || options.restart === false) return
      // Back off if the core keeps dying (a damaged disk, say), but come back.
      for (let attempt = 0; !closing; attempt += 1) {
        const delay = Math.min(30_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2)
        options.log?.(
          `the core process stopped unexpectedly; restarting in ${Math.round(delay)} ms`,
        )
        await new Promise((resolve) => setTimeout(resolve, delay))
        if (closing) return
        const next = start()
        const info = await next.ready
        if (info.ok) {
          restarts += 1
          current = next.running
          supervise(next.running)
          emit('data.changed', { tables: [], at: new Date().toISOString() })
          return
        }
        options.log?.(`the core did not come back: ${info.message}`)
        next.running.child.kill()
        await next.running.exited
      }
    })
  }

  const first = start()
  const info = await first.ready
  if (!info.ok) {
    first.running.child.kill()
    throw new Error(info.message)
  }
  current = first.running
  supervise(first.running)

  return {
    get pid() {
      return current?.child.pid
    },
    get restarts() {
      return restarts
    },
    invoke: async (method, input) => {
      const running = current
      if (!running || running.child.exitCode !== null || running.child.signalCode !== null) {
        return unavailable('the core process is restarting; try again in a moment')
      }
      try {
        return await running.rpc.invoke(method, input)
      } catch {
        return unavailable('the core process stopped while answering; try again in a moment')
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      closing = true
      const running = current
      if (!running) return
      running.rpc.$close()
      if (running.child.exitCode === null && running.child.signalCode === null) {
        running.child.kill('SIGTERM')
        await running.exited
      }
    },
  }
}
