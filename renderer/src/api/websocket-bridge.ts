import { createBirpc, type BirpcReturn } from 'birpc'
import {
  eventNames,
  eventSchemas,
  methodNames,
  type ApiErrorData,
  type ApiMethods,
  type ApiResult,
  type EventName,
  type EventPayload,
  type ExportDelivery,
  type ExportJob,
  type WatchfloorBridge,
} from '../../../shared/api/index.ts'

/**
 * What the browser host exposes on `/api`: one entry point carrying the contract's method name,
 * so the host validates every method and input against `shared/` in one place.
 */
export interface HostFunctions {
  invoke(method: string, input: unknown): Promise<ApiResult<unknown>>
}

/** What the page exposes to the host: delivery of the contract's events. */
export interface PageFunctions {
  event(name: string, payload: unknown): void
}

/** Whether the bridge's socket is open: `false` from its loss until a new one opens. */
export interface ConnectionSource {
  /** Calls `listener` with each change (not with the current state); returns how to stop. */
  onConnection(listener: (open: boolean) => void): () => void
}

export interface WebSocketBridge extends WatchfloorBridge, ConnectionSource {
  readonly transport: 'websocket'
  /** Stops reconnecting and settles every outstanding call as `unavailable`. */
  close(): void
}

/**
 * The part of a WebSocket the bridge uses: the browser's `WebSocket` is one, and so is a test's
 * stand-in, which is how the reconnect logic is tested without a browser.
 */
export interface SocketLike {
  send(data: string): void
  close(): void
  addEventListener(type: 'open' | 'close', listener: () => void): void
  addEventListener(type: 'message', listener: (message: { readonly data: unknown }) => void): void
}

export interface WebSocketBridgeOptions {
  /** Defaults to `/api` on the page's own host. */
  readonly url?: string
  /** Before each reconnect: renew the session (POST /session by default). */
  readonly renewSession?: () => Promise<void>
  /** Opens a socket; the browser's WebSocket by default. */
  readonly createSocket?: (url: string) => SocketLike
  readonly random?: () => number
  /** How long a sent call may wait for its answer before it settles as `unavailable`. */
  readonly callTimeoutMs?: number
  /**
   * Calls `retry` whenever the machine comes back online and returns how to stop; the window's
   * `online` event by default.
   */
  readonly onOnline?: (retry: () => void) => () => void
  /** Starts the browser's download of `url` as `fileName`; an anchor with `download` by default. */
  readonly download?: (url: string, fileName: string) => void
}

/**
 * The host serves a finished export at /exports/<id> (same session cookie as the api). An anchor
 * with `download` makes the browser save it as a file rather than open it, and keeps the page.
 */
function anchorDownload(url: string, fileName: string): void {
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
}

/** The address a finished export is downloaded from, on the page's own host. */
export function exportDownloadUrl(id: string, page: Location = window.location): string {
  return new URL(`/exports/${encodeURIComponent(id)}`, page.href).href
}

function windowOnline(retry: () => void): () => void {
  window.addEventListener('online', retry)
  return () => window.removeEventListener('online', retry)
}

const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 10_000

/**
 * `ws(s)://<host>/api`. No token travels in it: the host set the page's session cookie when
 * it served the page (a wall screen's ?token= was exchanged for that cookie), and the browser
 * sends it with the upgrade.
 */
export function defaultSocketUrl(page: Location = window.location): string {
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${page.host}/api`
}

/**
 * Asks the host for the session cookie again (POST /session, same origin) before a reconnect:
 * a host restarted since the page loaded has a new per-run secret.
 */
export async function renewSessionCookie(): Promise<void> {
  try {
    await fetch(new URL('session', window.location.href), {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
    })
  } catch {
    // The host is down: the socket's own failure says so and the next retry asks again.
  }
}

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped at 10 s, with "equal
 * jitter" (half fixed, half random) so a room of wall screens that lost the host together does
 * not come back in lockstep.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return ceiling / 2 + random() * (ceiling / 2)
}

function unavailable(message: string): ApiResult<never> {
  return { ok: false, error: { code: 'unavailable', message } }
}

function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  return value.ok === true ? 'value' in value : 'error' in value
}

interface QueuedCall {
  readonly method: string
  readonly input: unknown
  readonly settle: (result: ApiResult<unknown>) => void
}

type Listener = (payload: unknown) => void

/**
 * The page's bridge when there is no Electron preload: the same contract over a WebSocket to the
 * browser host, spoken with birpc (JSON frames).
 *
 * Calls made before the socket opens are queued and sent once it does. When a socket closes,
 * every call it holds (sent or queued) settles as an `unavailable` result and nothing is re-sent
 * on the next socket: a call may already have run on the host, and re-running it is not ours to
 * decide. After a reconnect the page may have missed `data.changed` events, so the bridge emits
 * one itself (`tables: []` meaning "unknown, assume everything") and screens refetch.
 */
export function createWebSocketBridge(options: WebSocketBridgeOptions = {}): WebSocketBridge {
  const url = options.url ?? defaultSocketUrl()
  const createSocket =
    options.createSocket ?? ((target: string): SocketLike => new WebSocket(target))
  const random = options.random ?? Math.random
  const callTimeoutMs = options.callTimeoutMs ?? 30_000
  const onOnline = options.onOnline ?? windowOnline
  const renewSession = options.renewSession ?? renewSessionCookie
  const download = options.download ?? anchorDownload

  const listeners = new Map<EventName, Set<Listener>>(eventNames.map((name) => [name, new Set()]))
  const connectionListeners = new Set<(open: boolean) => void>()
  const tellConnection = (open: boolean) => {
    for (const listener of connectionListeners) listener(open)
  }
  /** The rpc of the socket that is open right now; null while connecting or waiting to retry. */
  let openRpc: BirpcReturn<HostFunctions, PageFunctions> | null = null
  /** Calls waiting for the current connection attempt to open. */
  let queue: QueuedCall[] = []
  let socket: SocketLike | null = null
  let failedAttempts = 0
  let hasConnected = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let closed = false

  function emit(name: string, payload: unknown): void {
    if (!(name in eventSchemas)) return
    const eventName = name as EventName
    const parsed = eventSchemas[eventName].safeParse(payload)
    if (!parsed.success) {
      console.warn(`watchfloor: dropped malformed "${name}" event`, parsed.error.issues)
      return
    }
    for (const listener of listeners.get(eventName) ?? []) {
      try {
        listener(parsed.data)
      } catch (error) {
        // One broken screen must not stop the others from hearing the event.
        reportError(error)
      }
    }
  }

  function dispatch(rpc: BirpcReturn<HostFunctions, PageFunctions>, call: QueuedCall): void {
    rpc.invoke(call.method, call.input).then(
      (result: unknown) =>
        call.settle(
          isApiResult(result)
            ? result
            : { ok: false, error: { code: 'internal', message: 'malformed response from host' } },
        ),
      (error: unknown) => {
        // birpc rejects with a local Error when the socket closed or the call timed out; a
        // host-side throw arrives as a deserialised plain object instead.
        const data: ApiErrorData =
          error instanceof Error
            ? { code: 'unavailable', message: `Watchfloor host unreachable (${error.message})` }
            : { code: 'internal', message: `host failed on "${call.method}"` }
        call.settle({ ok: false, error: data })
      },
    )
  }

  function connect(): void {
    retryTimer = undefined
    const ws = createSocket(url)
    socket = ws
    const rpc = createBirpc<HostFunctions, PageFunctions>(
      { event: emit },
      {
        post: (data: string) => ws.send(data),
        on: (deliver) => ws.addEventListener('message', (message) => deliver(message.data)),
        serialize: JSON.stringify,
        deserialize: JSON.parse,
        timeout: callTimeoutMs,
      },
    )

    ws.addEventListener('open', () => {
      failedAttempts = 0
      openRpc = rpc
      const waiting = queue
      queue = []
      for (const call of waiting) dispatch(rpc, call)
      tellConnection(true)
      if (hasConnected) emit('data.changed', { tables: [], at: new Date().toISOString() })
      hasConnected = true
    })

    // 'error' is always followed by 'close'; the browser itself logs why the socket failed.
    ws.addEventListener('close', () => {
      if (socket !== ws) return
      socket = null
      // Only the loss of an open socket is news; each failed retry is not.
      if (openRpc === rpc) tellConnection(false)
      openRpc = null
      rpc.$close(new Error('connection closed'))
      const waiting = queue
      queue = []
      for (const call of waiting) call.settle(unavailable('Watchfloor host unreachable'))
      if (!closed) {
        retryTimer = setTimeout(reconnect, reconnectDelayMs(failedAttempts, random))
        failedAttempts += 1
      }
    })
  }

  function reconnect(): void {
    retryTimer = undefined
    void renewSession().then(() => {
      if (!closed && socket === null) connect()
    })
  }

  /** Coming back online is the best moment to retry; don't sit out the rest of the backoff. */
  function retryNow(): void {
    if (closed || retryTimer === undefined) return
    clearTimeout(retryTimer)
    reconnect()
  }

  function send(method: string, input: unknown): Promise<ApiResult<unknown>> {
    if (closed) return Promise.resolve(unavailable('the connection to Watchfloor was closed'))
    return new Promise((settle) => {
      const call: QueuedCall = { method, input, settle }
      if (openRpc === null) queue.push(call)
      else dispatch(openRpc, call)
    })
  }

  // The one place where the contract's per-method types meet the untyped wire.
  const methods = Object.fromEntries(
    methodNames.map((method) => [method, (input: unknown) => send(method, input)]),
  ) as unknown as ApiMethods

  const stopOnline = onOnline(retryNow)
  connect()

  return {
    transport: 'websocket',
    methods,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event)
      if (set === undefined) throw new Error(`unknown event "${event}"`)
      const entry = listener as Listener
      set.add(entry)
      return () => set.delete(entry)
    },
    onConnection(listener) {
      connectionListeners.add(listener)
      return () => connectionListeners.delete(listener)
    },
    deliverExport(job: ExportJob): Promise<ExportDelivery> {
      if (job.state !== 'done')
        return Promise.resolve({ saved: false, message: 'The export has not finished yet.' })
      // The browser saves it where its downloads go; the page never names a path.
      download(exportDownloadUrl(job.id), job.fileName)
      return Promise.resolve({ saved: true, message: `Downloading ${job.fileName}.` })
    },
    close(): void {
      if (closed) return
      closed = true
      stopOnline()
      clearTimeout(retryTimer)
      retryTimer = undefined
      socket?.close()
    },
  }
}
