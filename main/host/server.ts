import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { SECURITY_HEADERS, contentSecurityPolicy } from '../../shared/api/content-security.ts'
import { MAX_EXPORT_REQUEST_BYTES } from '../../shared/api/exports.ts'
import type { CoreClient } from '../core/spawn-core.ts'
import { TOKEN_REVOKED_MESSAGE, type Caller } from '../../shared/api/index.ts'
import type { TokenVerifier } from '../access/token-verifier.ts'
import { checkTokenStrength, createAccess, isLoopback, type Refusal } from './access.ts'
import { EXPORTS_PATH, serveExportDownload } from './export-downloads.ts'
import { CallScheduler, type ConnectionCalls, type SchedulerLimits } from './call-scheduler.ts'
import { createStatusCache } from './status-cache.ts'
import { bindPageSocket } from './socket-api.ts'
import { createStaticHandler } from './static-files.ts'

export interface HostOptions {
  readonly core: CoreClient
  readonly staticDir: string
  readonly port: number
  /** 127.0.0.1 unless a LAN wall screen needs it; any other address requires a token. */
  readonly host?: string
  /** The `serve --token` / WATCHFLOOR_TOKEN token: a viewer's (access.ts SERVE_TOKEN_ROLE). */
  readonly token?: string
  /**
   * The cache's token table (issue 15): screens over the network open the page with one of its
   * tokens and get its role; a revoked token's sockets are closed.
   */
  readonly tokens?: TokenVerifier
  /** Further names or origins wall screens reach the host by (`--allow-origin`). */
  readonly allowOrigins?: readonly string[]
  readonly log?: (line: string) => void
  /** Fair admission of calls into the core (per connection and in all). */
  readonly limits?: SchedulerLimits
  /** Page sockets at once (default 64); one more is closed with 1013 and a reason. */
  readonly maxConnections?: number
  /** A socket that answers no ping within this long is closed (default 30 s). */
  readonly pingIntervalMs?: number
  /** Unread replies past this many bytes close a socket (default 8 MiB). */
  readonly maxBufferedBytes?: number
  /** The core's downloads folder (CoreConfig.exportsDir): finished exports are served from it. */
  readonly exportsDir?: string
}

export interface Host {
  readonly url: string
  readonly server: Server
  close(): Promise<void>
}

/**
 * Whether the host may listen on `host` with `token`: a sentence when not.
 * Checked before any data work (the CLI calls it before it fills a cache).
 */
export function bindProblem(
  host: string,
  token: string | undefined,
  storedTokens = 0,
): string | null {
  if (token !== undefined) {
    const weak = checkTokenStrength(token)
    if (weak) return `Refusing the token: ${weak}.`
  }
  if (!isLoopback(host) && !token && storedTokens === 0)
    return `Refusing to listen on ${host} without a token: make one for each screen with \`watchfloor token create --role viewer --name <screen>\` (or pass --token / WATCHFLOOR_TOKEN, a viewer token) so only your screens can connect.`
  return null
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  res
    .writeHead(refusal.status, {
      ...SECURITY_HEADERS,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    })
    .end(`${refusal.reason}\n`)
}

function refuseUpgrade(socket: Duplex, refusal: Refusal): void {
  const text = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    429: 'Too Many Requests',
  }[refusal.status]
  socket.end(
    `HTTP/1.1 ${refusal.status} ${text}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${refusal.reason}\n`,
  )
}

/**
 * The browser host: serves the built renderer and the api over a WebSocket
 * at /api. The core runs in its own process; this thread only relays.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? (() => {})
  const problem = bindProblem(host, options.token, options.tokens?.count ?? 0)
  if (problem) throw new Error(problem)
  // The access rules need the port, known once listening: requests are
  // refused until then.
  let access: ReturnType<typeof createAccess> | null = null
  let serveStatic: ReturnType<typeof createStaticHandler> | null = null
  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    if (!access || !serveStatic) return refuse(res, { status: 403, reason: 'starting' })
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/session') {
      if (req.method !== 'POST') return refuse(res, { status: 400, reason: 'POST /session' })
      const renewal = access.checkSessionRenewal(req)
      if ('status' in renewal) return refuse(res, renewal)
      res
        .writeHead(204, {
          ...SECURITY_HEADERS,
          'set-cookie': renewal.cookie,
          'cache-control': 'no-store',
        })
        .end()
      return
    }
    if (url.pathname.startsWith(EXPORTS_PATH))
      return serveExportDownload(req, res, access, {
        dir: options.exportsDir,
        invoke: (method, input, caller) => options.core.invoke(method, input, caller),
        log,
      })
    const page = access.checkPage(req)
    if (page.kind === 'refuse') return refuse(res, page)
    if (page.kind === 'exchange') {
      // The token becomes the cookie, and leaves the address bar and history.
      res
        .writeHead(303, {
          ...SECURITY_HEADERS,
          location: page.location,
          'set-cookie': page.cookie,
          'cache-control': 'no-store',
        })
        .end()
      return
    }
    await serveStatic(req, res, page.cookie)
  }
  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      log(`static: ${(error as Error).message}`)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  // Hard cap per frame: a frame above this closes that one socket (1009).
  // Frames between a method's limit (maxRequestBytesFor: 64 KiB, export.start's
  // chart SVGs up to MAX_EXPORT_REQUEST_BYTES) and this cap get a typed error instead.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_EXPORT_REQUEST_BYTES + 64 * 1024,
  })
  const statusCache = createStatusCache((method, input, caller) =>
    options.core.invoke(method, input, caller),
  )
  const scheduler = new CallScheduler(statusCache.invoke, options.limits)
  const maxConnections = options.maxConnections ?? 64
  const pages = new Set<ReturnType<typeof bindPageSocket>>()
  const alive = new WeakMap<WebSocket, boolean>()
  /** Sockets opened with a stored token, by socket: closed when their token is revoked. */
  const tokenSockets = new Map<WebSocket, number>()
  const closeRevoked = () => {
    for (const [ws, id] of tokenSockets)
      if (!options.tokens?.isActive(id)) {
        tokenSockets.delete(ws)
        ws.close(1008, 'this screen’s token was revoked')
      }
  }
  const stopTokenWatch = options.tokens?.onChange(closeRevoked)
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/api' || !access) {
      socket.destroy()
      return
    }
    const admitted = access.checkSocket(req)
    if (admitted.kind === 'refuse') {
      refuseUpgrade(socket, admitted)
      return
    }
    const caller: Caller = admitted.caller
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (wss.clients.size > maxConnections) {
        ws.close(1013, `too many connections (at most ${maxConnections}); try again later`)
        return
      }
      // Every call of this socket is made as its caller; the core checks the method's role.
      const queued = scheduler.connection(caller)
      const tokenId = caller.tokenId
      if (tokenId !== undefined) tokenSockets.set(ws, tokenId)
      // A recent status answer is given at once, without a place in the queue.
      const calls: ConnectionCalls = {
        call: async (method, input) => {
          // A revoked token's screen gets nothing more, not even a kept status answer.
          if (tokenId !== undefined && !options.tokens?.isActive(tokenId))
            return { ok: false, error: { code: 'forbidden', message: TOKEN_REVOKED_MESSAGE } }
          const kept = statusCache.lookup(method, input)
          if (kept) return kept
          const result = await queued.call(method, input)
          // Made or revoked here: known now, not at the next poll (a revoked token's screens
          // are closed by the refresh's change listener).
          if ((method === 'tokens.create' || method === 'tokens.revoke') && result.ok)
            options.tokens?.refresh()
          return result
        },
        close: () => queued.close(),
        get waiting() {
          return queued.waiting
        },
        get inFlight() {
          return queued.inFlight
        },
      }
      const page = bindPageSocket(ws, calls, log, options.maxBufferedBytes)
      pages.add(page)
      alive.set(ws, true)
      ws.on('pong', () => alive.set(ws, true))
      ws.on('close', () => {
        pages.delete(page)
        tokenSockets.delete(ws)
      })
      ws.on('error', (error) => log(`page socket: ${error.message}`))
    })
  })
  // A page that stopped answering (a sleeping laptop, a dropped network)
  // is closed rather than kept for ever.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        log('page socket: closed a page that answered no ping')
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, options.pingIntervalMs ?? 30_000)
  pinger.unref()
  const stopEvents = options.core.onEvent((name, payload) => {
    if (name === 'data.changed') statusCache.invalidate()
    for (const page of pages) page.sendEvent(name, payload)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  access = createAccess({
    bindHost: host,
    port: address.port,
    ...(options.allowOrigins ? { allowOrigins: options.allowOrigins } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.tokens ? { tokens: options.tokens } : {}),
  })
  serveStatic = createStaticHandler(options.staticDir, {
    ...SECURITY_HEADERS,
    'content-security-policy': contentSecurityPolicy({ socketUrls: access.socketUrls }),
  })
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}/`,
    server,
    async close() {
      stopEvents()
      stopTokenWatch?.()
      clearInterval(pinger)
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Idle keep-alive connections (a browser opens some ahead of need) would
      // hold close() until their timeout.
      server.closeAllConnections()
      await closed
    },
  }
}
