// Entry point of the core when it runs in a process of its own: a Node child
// process (browser host, CLI) or an Electron utilityProcess (the app). It
// never imports electron; it only looks for the port each runtime provides.
import { createBirpc } from 'birpc'
import {
  CORE_CONFIG_BY_MESSAGE,
  CORE_CONFIG_ENV,
  CORE_CONFIG_REQUEST,
  isCoreConfigMessage,
  type CoreFunctions,
  type ParentFunctions,
  parentEventNames,
} from './core-protocol.ts'
import { startCore, type CoreConfig, type CoreService } from './core-service.ts'
import { startLiveTrace } from './live-trace.ts'

// The live-latency bench's trace (WATCHFLOOR_LIVE_TRACE); nothing when unset.
startLiveTrace()

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

// One listener on the port: a configuration message (CORE_CONFIG_BY_MESSAGE) is taken here,
// once; everything else is the rpc's.
let rpcListener: ((data: unknown) => void) | undefined
let configArrived: ((config: CoreConfig) => void) | undefined
channel.on((data) => {
  if (isCoreConfigMessage(data)) {
    configArrived?.(data.config)
    configArrived = undefined
  } else rpcListener?.(data)
})

// Test-only fault: WATCHFLOOR_FAULT=spin:<method> makes a call of that method
// loop for ever on the core's thread, as a query that never ends would (the
// watchdog's test). Off unless set.
const spinMethod = /^spin:(.+)$/.exec(process.env.WATCHFLOOR_FAULT ?? '')?.[1]

const parent = createBirpc<ParentFunctions, CoreFunctions>(
  {
    invoke: async (method, input, caller) => {
      if (spinMethod !== undefined && method === spinMethod) for (;;);
      return core
        ? core.dispatch(method, input, caller)
        : { ok: false, error: { code: 'unavailable', message: 'the core is still starting' } }
    },
  },
  {
    post: channel.post,
    on: (fn) => void (rpcListener = fn),
    eventNames: parentEventNames,
    timeout: -1,
  },
)

/**
 * The configuration, asked of the parent over the port (core-protocol.ts configHandOver): it
 * holds the connection profile's secrets, so it is never in this process's environment.
 */
function configuration(): Promise<CoreConfig> {
  if (process.env[CORE_CONFIG_ENV] !== CORE_CONFIG_BY_MESSAGE)
    throw new Error(
      `${CORE_CONFIG_ENV} is not "${CORE_CONFIG_BY_MESSAGE}": start the core with spawnCore`,
    )
  const config = new Promise<CoreConfig>((resolve) => (configArrived = resolve))
  channel.post(CORE_CONFIG_REQUEST)
  return config
}

void (async () => {
  try {
    core = startCore(await configuration(), {
      log: (line) => void parent.log(line),
      emit: (event, payload) => void parent.event(event, payload),
      progress: (phase, done, total) => void parent.progress(phase, done, total),
    })
    void parent.ready({ ok: true })
  } catch (error) {
    void parent.ready({ ok: false, message: (error as Error).message })
  }
})()

// No SIGTERM or SIGINT handler: a handler runs only when the thread is free,
// so a core busy in a query would ignore it. The default action ends the
// process at once; SQLite's journal keeps the cache whole (a write in
// progress is rolled back at the next open), as after a crash.
