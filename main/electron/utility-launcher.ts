// The core as an Electron utilityProcess, written against the parts of
// `utilityProcess.fork`'s result it uses, so that it is tested under Node
// with a stand-in (STYLE.md 4, "inject the platform").
import { configHandOver, coreEnvironment } from '../core/core-protocol.ts'
import type { CoreLauncher } from '../core/spawn-core.ts'

/** What the launcher uses of Electron's UtilityProcess. */
export interface UtilityProcessLike {
  readonly pid: number | undefined
  postMessage(message: unknown): void
  on(event: 'message', listener: (message: unknown) => void): unknown
  once(event: 'exit', listener: (code: number) => void): unknown
  kill(): boolean
}

export type UtilityFork = (
  modulePath: string,
  args: string[],
  options: { serviceName: string; env: NodeJS.ProcessEnv; stdio: 'inherit' },
) => UtilityProcessLike

/**
 * Starts the core with `fork` (Electron's `utilityProcess.fork` in the app). The core's
 * configuration is handed over its message port when the core asks (core-protocol.ts
 * CORE_CONFIG_REQUEST), once per process; the request never reaches the rpc.
 */
export function utilityCoreLauncher(entry: string, fork: UtilityFork): CoreLauncher {
  return (config) => {
    const child = fork(entry, [], {
      serviceName: 'watchfloor-core',
      env: coreEnvironment(),
      stdio: 'inherit',
    })
    const handOver = configHandOver(config, (message) => child.postMessage(message))
    const listeners = new Set<(message: unknown) => void>()
    child.on('message', (message) =>
      handOver(message, (m) => listeners.forEach((listener) => listener(m))),
    )
    return {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => void listeners.add(listener),
      // A utility process reports its exit code only.
      exited: new Promise((resolve) =>
        child.once('exit', (code) => resolve({ code, signal: null })),
      ),
      get pid() {
        return child.pid
      },
      // utilityProcess.kill() asks politely; a core that stopped answering
      // cannot listen, so the watchdog's SIGKILL goes to its pid.
      kill: (signal = 'SIGTERM') => {
        if (signal === 'SIGKILL' && child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
        else child.kill()
      },
    }
  }
}
