import { utilityProcess } from 'electron'
import { createBirpc } from 'birpc'
import type { ApiResult } from '../../shared/api/index.ts'
import {
  CORE_CONFIG_ENV,
  type CoreConfig,
  type CoreFunctions,
  type ParentFunctions,
} from '../api/core-protocol.ts'

export interface UtilityCore {
  invoke(method: unknown, input: unknown): Promise<ApiResult<unknown>>
  onEvent(listener: (name: string, payload: unknown) => void): void
  kill(): void
}

/** Runs the core in an Electron utilityProcess: off the main thread and out of its heap. */
export function forkCore(
  entry: string,
  config: CoreConfig,
  log: (line: string) => void,
): Promise<UtilityCore> {
  const child = utilityProcess.fork(entry, [], {
    serviceName: 'watchfloor-core',
    env: { ...process.env, [CORE_CONFIG_ENV]: JSON.stringify(config) },
    stdio: 'inherit',
  })
  const listeners = new Set<(name: string, payload: unknown) => void>()
  return new Promise((resolve, reject) => {
    const rpc = createBirpc<CoreFunctions, ParentFunctions>(
      {
        ready: (info) =>
          info.ok
            ? resolve({
                invoke: (m, i) => rpc.invoke(m, i),
                onEvent: (l) => void listeners.add(l),
                kill: () => void child.kill(),
              })
            : reject(new Error(info.message)),
        event: (name, payload) => listeners.forEach((l) => l(name, payload)),
        log,
        progress: () => {},
      },
      {
        post: (d) => child.postMessage(d),
        on: (fn) => void child.on('message', fn),
        timeout: -1,
      },
    )
    child.once('exit', (code) => reject(new Error(`the core process exited with code ${code}`)))
  })
}
