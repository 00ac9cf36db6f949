import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createBirpc } from 'birpc'
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
  readonly pid: number | undefined
  close(): Promise<void>
}

export interface SpawnCoreOptions {
  readonly log?: (line: string) => void
  readonly progress?: (phase: string, done: number, total: number) => void
}

/**
 * Runs the core in a Node child process, so that better-sqlite3's
 * synchronous queries never stall the thread that serves pages and sockets.
 * Resolves once the core has opened its cache (and filled demo data).
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
  const child = fork(entry, [], {
    execArgv,
    env: { ...process.env, [CORE_CONFIG_ENV]: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const listeners = new Set<(name: string, payload: unknown) => void>()
  let readyResolve: (info: { ok: true } | { ok: false; message: string }) => void = () => {}
  const ready = new Promise<{ ok: true } | { ok: false; message: string }>((resolve) => {
    readyResolve = resolve
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('exit', (code, signal) => {
    readyResolve({ ok: false, message: `the core process exited (${signal ?? `code ${code}`})` })
  })
  const rpc = createBirpc<CoreFunctions, ParentFunctions>(
    {
      ready: (info) => readyResolve(info),
      event: (name, payload) => {
        for (const l of listeners) l(name, payload)
      },
      log: (line) => options.log?.(line),
      progress: (phase, done, total) => options.progress?.(phase, done, total),
    },
    {
      post: (d) => void child.send(d as object),
      on: (fn) => void child.on('message', fn),
      timeout: -1,
    },
  )
  const info = await ready
  if (!info.ok) {
    child.kill()
    throw new Error(info.message)
  }
  return {
    pid: child.pid,
    invoke: async (method, input) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return {
          ok: false,
          error: { code: 'unavailable', message: 'the core process has stopped' },
        }
      }
      return rpc.invoke(method, input)
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      rpc.$close()
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await exited
      }
    },
  }
}
