// Entry point of the core when it runs in a process of its own: a Node child
// process (browser host, CLI) or an Electron utilityProcess (the app). It
// never imports electron; it only looks for the port each runtime provides.
import { createBirpc } from 'birpc'
import {
  CORE_CONFIG_ENV,
  type CoreFunctions,
  type ParentFunctions,
  parentEventNames,
} from './core-protocol.ts'
import { startCore, type CoreConfig, type CoreService } from './core-service.ts'

interface ParentPortLike {
  postMessage(data: unknown): void
  on(event: 'message', listener: (e: { data: unknown }) => void): void
}

function parentChannel(): { post: (d: unknown) => void; on: (fn: (d: unknown) => void) => void } {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort
  if (parentPort) {
    return {
      post: (d) => parentPort.postMessage(d),
      on: (fn) => parentPort.on('message', (e) => fn(e.data)),
    }
  }
  const send = process.send?.bind(process)
  if (send) {
    process.on('disconnect', () => process.exit(0))
    return { post: (d) => void send(d), on: (fn) => void process.on('message', fn) }
  }
  throw new Error('core-process must be started by a parent process with an IPC channel')
}

const channel = parentChannel()
let core: CoreService | undefined

const parent = createBirpc<ParentFunctions, CoreFunctions>(
  {
    invoke: async (method, input) =>
      core
        ? core.dispatch(method, input)
        : { ok: false, error: { code: 'unavailable', message: 'the core is still starting' } },
  },
  { post: channel.post, on: channel.on, eventNames: parentEventNames, timeout: -1 },
)

try {
  const config = JSON.parse(process.env[CORE_CONFIG_ENV] ?? 'null') as CoreConfig | null
  if (!config) throw new Error(`${CORE_CONFIG_ENV} is not set`)
  core = startCore(config, {
    log: (line) => void parent.log(line),
    emit: (event, payload) => void parent.event(event, payload),
    progress: (phase, done, total) => void parent.progress(phase, done, total),
  })
  void parent.ready({ ok: true })
} catch (error) {
  void parent.ready({ ok: false, message: (error as Error).message })
}

const shutdown = () => {
  void (core?.close() ?? Promise.resolve()).finally(() => process.exit(0))
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
