// The core's launcher in the app (main/electron/utility-launcher.ts) through a stand-in for
// utilityProcess.fork's result: the configuration goes over the port when the core asks, once
// per process; its environment only says "ask"; the request never reaches the rpc.
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import {
  CORE_CONFIG_ENV,
  CORE_CONFIG_REQUEST,
  isCoreConfigMessage,
} from '../../main/core/core-protocol.ts'
import {
  utilityCoreLauncher,
  type UtilityProcessLike,
} from '../../main/electron/utility-launcher.ts'

const config = {
  dbPath: '/tmp/cache.sqlite',
  demo: null,
  version: 'test',
  upstream: {
    tenant: 'acme',
    rowFilters: {},
    syncIntervalMs: 30_000,
    postgres: { url: 'postgres://ops:s3cret@db/ops', schema: 'public', feed: 'changelog' as const },
  },
}

function standIn() {
  const events = new EventEmitter()
  const posted: unknown[] = []
  const forks: { path: string; args: string[]; env: NodeJS.ProcessEnv }[] = []
  const child: UtilityProcessLike = {
    pid: 4242,
    postMessage: (m) => void posted.push(m),
    on: (_e, l) => events.on('message', l),
    once: (_e, l) => events.once('exit', l),
    kill: () => true,
  }
  const launch = utilityCoreLauncher('/app/out/main/core.js', (path, args, options) => {
    forks.push({ path, args, env: options.env })
    return child
  })
  return { events, posted, forks, launch }
}

describe('the app core launcher', () => {
  it('starts the core with no configuration in its environment or argv', () => {
    const { forks, launch, posted } = standIn()
    launch(config)
    expect(forks).toHaveLength(1)
    expect(forks[0]!.env[CORE_CONFIG_ENV]).toBe('message')
    expect(JSON.stringify(forks[0])).not.toContain('s3cret')
    expect(posted).toEqual([])
  })

  it('hands the configuration over once, when asked, and keeps the request from the rpc', () => {
    const { events, launch, posted } = standIn()
    const proc = launch(config)
    const seen: unknown[] = []
    proc.onMessage((m) => seen.push(m))
    events.emit('message', CORE_CONFIG_REQUEST)
    events.emit('message', CORE_CONFIG_REQUEST)
    events.emit('message', { t: 'q', m: 'ready' })
    expect(posted).toHaveLength(1)
    expect(isCoreConfigMessage(posted[0])).toBe(true)
    expect(posted[0]).toEqual({ type: 'watchfloor:core-config', config })
    expect(seen).toEqual([{ t: 'q', m: 'ready' }])
  })

  it('reads only well-formed configuration messages as such', () => {
    for (const hostile of [
      null,
      'watchfloor:core-config',
      { type: 'watchfloor:core-config' },
      { type: 'watchfloor:core-config', config: null },
      { type: 'watchfloor:core-config', config: { dbPath: 1 } },
      { type: 'other', config },
    ])
      expect(isCoreConfigMessage(hostile)).toBe(false)
  })
})
