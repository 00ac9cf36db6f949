// The page's WebSocket bridge, driven through its injected socket: calls wait
// for the socket to open, settle as `unavailable` when it closes, the bridge
// reconnects with a growing, jittered delay (at once when the machine comes
// back online), and after a reconnect tells the screens to refetch. The host
// on the other end of the stand-in socket is a real birpc peer, so the
// frames are the ones the browser host reads.
import { createBirpc } from 'birpc'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiResult, EventPayload } from '../../../shared/api/index.ts'
import {
  createWebSocketBridge,
  reconnectDelayMs,
  type HostFunctions,
  type PageFunctions,
  type SocketLike,
  type WebSocketBridge,
} from '../../../renderer/src/api/websocket-bridge.ts'

type Handler = (method: string, input: unknown) => Promise<ApiResult<unknown>>

/** One socket as a host sees it: it opens, answers calls, pushes events, or goes away. */
class StandInSocket implements SocketLike {
  readonly sent: string[] = []
  private readonly listeners = {
    open: new Set<() => void>(),
    close: new Set<() => void>(),
    message: new Set<(message: { readonly data: unknown }) => void>(),
  }
  private toHost: ((data: string) => void) | null = null
  private state: 'connecting' | 'open' | 'closed' = 'connecting'
  readonly host: ReturnType<typeof createBirpc<PageFunctions, HostFunctions>>

  constructor(
    readonly url: string,
    handler: Handler,
  ) {
    this.host = createBirpc<PageFunctions, HostFunctions>(
      { invoke: (method, input) => handler(method, input) },
      {
        post: (data: string) => this.deliver(data),
        on: (fn) => {
          this.toHost = fn
        },
        serialize: JSON.stringify,
        deserialize: JSON.parse,
      },
    )
  }

  send(data: string): void {
    if (this.state !== 'open') throw new Error(`send on a ${this.state} socket`)
    this.sent.push(data)
    // Across the network: never in the same turn.
    queueMicrotask(() => this.toHost?.(data))
  }

  close(): void {
    this.drop()
  }

  addEventListener(type: 'open' | 'close', listener: () => void): void
  addEventListener(type: 'message', listener: (message: { readonly data: unknown }) => void): void
  addEventListener(
    type: 'open' | 'close' | 'message',
    listener: (() => void) | ((message: { readonly data: unknown }) => void),
  ): void {
    if (type === 'message') this.listeners.message.add(listener)
    else this.listeners[type].add(listener as () => void)
  }

  // ---- the host's side

  open(): void {
    this.state = 'open'
    for (const listener of this.listeners.open) listener()
  }

  /** The connection ends (a refused connect, a host that died): 'close', as a browser fires it. */
  drop(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    for (const listener of this.listeners.close) listener()
  }

  private deliver(data: string): void {
    if (this.state !== 'open') return
    queueMicrotask(() => {
      for (const listener of this.listeners.message) listener({ data })
    })
  }
}

const echo: Handler = (method, input) => Promise.resolve({ ok: true, value: { method, input } })

let sockets: StandInSocket[]
let bridge: WebSocketBridge | null
let online: (() => void) | null
/** Sessions renewed (POST /session) before reconnects. */
let renewed: number

function start(handler: Handler = echo, random = () => 0.5): WebSocketBridge {
  bridge = createWebSocketBridge({
    url: 'ws://host.test/api',
    createSocket: (url) => {
      const socket = new StandInSocket(url, handler)
      sockets.push(socket)
      return socket
    },
    random,
    renewSession: () => {
      renewed += 1
      return Promise.resolve()
    },
    onOnline: (retry) => {
      online = retry
      return () => {
        online = null
      }
    },
  })
  return bridge
}

const last = (): StandInSocket => {
  const socket = sockets.at(-1)
  if (socket === undefined) throw new Error('no socket opened yet')
  return socket
}

beforeEach(() => {
  vi.useFakeTimers()
  sockets = []
  bridge = null
  online = null
  renewed = 0
})

afterEach(() => {
  bridge?.close()
  vi.useRealTimers()
})

describe('the WebSocket bridge', () => {
  it('sends calls made before the socket opens once it does, and gives back the host’s answer', async () => {
    const page = start()
    expect(sockets).toHaveLength(1)
    expect(last().url).toBe('ws://host.test/api')
    const answer = page.methods['app.status']({})
    await vi.advanceTimersByTimeAsync(0)
    expect(last().sent).toEqual([])
    last().open()
    await expect(answer).resolves.toEqual({
      ok: true,
      value: { method: 'app.status', input: {} },
    })
    expect(last().sent).toHaveLength(1)
  })

  it('settles every call of a socket that closes as unavailable, and never re-sends it', async () => {
    let answered = 0
    const page = start(() => new Promise(() => (answered += 1)))
    last().open()
    const sent = page.methods['filters.values']({})
    await vi.advanceTimersByTimeAsync(0)
    expect(answered).toBe(1)
    last().drop()
    await expect(sent).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } })

    // Queued while no socket is open, then that attempt fails too.
    const queued = page.methods['app.status']({})
    await vi.advanceTimersByTimeAsync(reconnectDelayMs(0, () => 0.5))
    expect(sockets).toHaveLength(2)
    last().drop()
    await expect(queued).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } })

    await vi.advanceTimersByTimeAsync(reconnectDelayMs(1, () => 0.5))
    last().open()
    await vi.advanceTimersByTimeAsync(0)
    expect(answered).toBe(1)
    expect(last().sent).toEqual([])
  })

  it('reconnects after an exponential, capped, jittered delay, and starts over once connected', async () => {
    start(echo, () => 0)
    const waits: number[] = []
    for (let attempt = 0; attempt < 7; attempt++) {
      const opened = sockets.length
      last().drop()
      // Just before the delay: no new socket; at it: one.
      const delay = reconnectDelayMs(attempt, () => 0)
      await vi.advanceTimersByTimeAsync(delay - 1)
      expect(sockets).toHaveLength(opened)
      await vi.advanceTimersByTimeAsync(1)
      expect(sockets).toHaveLength(opened + 1)
      waits.push(delay)
    }
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000])

    // Connected again: the next loss waits the shortest delay.
    last().open()
    last().drop()
    const opened = sockets.length
    await vi.advanceTimersByTimeAsync(250)
    expect(sockets).toHaveLength(opened + 1)
  })

  it('retries at once when the machine comes back online', async () => {
    start()
    last().drop()
    last().drop()
    expect(sockets).toHaveLength(1)
    expect(online).not.toBeNull()
    online?.()
    await vi.advanceTimersByTimeAsync(0)
    expect(sockets).toHaveLength(2)
    // The session was renewed first (a restarted host has a new secret).
    expect(renewed).toBe(1)
    // The retry it replaced does not open a third socket later.
    await vi.advanceTimersByTimeAsync(20_000)
    expect(sockets).toHaveLength(2)
  })

  it('after a reconnect tells the screens to refetch everything (events may have been missed)', async () => {
    const page = start()
    const heard: EventPayload<'data.changed'>[] = []
    page.on('data.changed', (payload) => heard.push(payload))
    last().open()
    await last().host.$callEvent('event', 'data.changed', {
      tables: ['leads'],
      at: '2026-11-30T12:00:00.000Z',
      dashboards: ['funnel'],
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(heard).toEqual([
      { tables: ['leads'], at: '2026-11-30T12:00:00.000Z', dashboards: ['funnel'] },
    ])

    last().drop()
    await vi.advanceTimersByTimeAsync(reconnectDelayMs(0, () => 0.5))
    last().open()
    expect(heard).toHaveLength(2)
    expect(heard[1]).toMatchObject({ tables: [] })
    expect(heard[1]?.dashboards).toBeUndefined()
  })

  it('drops an event the contract does not describe', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const page = start()
    const heard: unknown[] = []
    page.on('data.changed', (payload) => heard.push(payload))
    last().open()
    await last().host.$callEvent('event', 'data.changed', { tables: 'leads' })
    await last().host.$callEvent('event', 'files.deleted', {})
    await vi.advanceTimersByTimeAsync(0)
    expect(heard).toEqual([])
    expect(warn).toHaveBeenCalledOnce()
    warn.mockRestore()
  })

  it('once closed, stops reconnecting and answers every call as unavailable', async () => {
    const page = start()
    last().open()
    page.close()
    expect(online).toBeNull()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sockets).toHaveLength(1)
    await expect(page.methods['app.status']({})).resolves.toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'the connection to Watchfloor was closed' },
    })
  })
})

describe('reconnectDelayMs', () => {
  it('doubles from 500 ms to a 10 s ceiling, half of it fixed and half random', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(10_000, 500 * 2 ** attempt)
      expect(reconnectDelayMs(attempt, () => 0)).toBe(ceiling / 2)
      expect(reconnectDelayMs(attempt, () => 0.999_999)).toBeCloseTo(ceiling, 0)
    }
  })
})
