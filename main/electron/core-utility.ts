import { utilityProcess } from 'electron'
import type { CoreConfig } from '../core/core-protocol.ts'
import { spawnCore, type CoreClient } from '../core/spawn-core.ts'
import { utilityCoreLauncher } from './utility-launcher.ts'

/**
 * The app's core: the same client, restart supervision and `unavailable`
 * answers as the browser host's and the CLI's (main/core/spawn-core.ts),
 * forked as a utilityProcess: off the main thread and out of its heap.
 */
export function forkCore(
  entry: string,
  config: CoreConfig,
  log: (line: string) => void,
): Promise<CoreClient> {
  return spawnCore(config, {
    launch: utilityCoreLauncher(entry, (path, args, options) =>
      utilityProcess.fork(path, args, options),
    ),
    log,
  })
}
