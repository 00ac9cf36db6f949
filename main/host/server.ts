import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { timingSafeEqual } from 'node:crypto'
import { WebSocketServer } from 'ws'
import type { CoreClient } from '../core/spawn-core.ts'
import { bindPageSocket } from './socket-api.ts'
import { createStaticHandler } from './static-files.ts'

export interface HostOptions {
  readonly core: CoreClient
  readonly staticDir: string
  readonly port: number
  /** 127.0.0.1 unless a LAN wall screen needs it; any other address requires a token. */
  readonly host?: string
  readonly token?: string
  readonly log?: (line: string) => void
}

export interface Host {
  readonly url: string
  readonly server: Server
  close(): Promise<void>
}

const loopback = new Set(['127.0.0.1', '::1', 'localhost'])

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The browser host: serves the built renderer and the api over a WebSocket
 * at /api. The core runs in its own process; this thread only relays.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? (() => {})
  if (!loopback.has(host) && !options.token) {
    throw new Error(
      `Refusing to listen on ${host} without a token: pass --token (or WATCHFLOOR_TOKEN) so only your wall screens can connect.`,
    )
  }
  const serveStatic = createStaticHandler(options.staticDir)
  const server = createServer((req, res) => {
    serveStatic(req, res).catch((error: unknown) => {
      log(`static: ${(error as Error).message}`)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  // Hard cap per frame: a frame above this closes that one socket (1009).
  // Frames between MAX_REQUEST_BYTES and this cap get a typed error instead.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  const pages = new Set<ReturnType<typeof bindPageSocket>>()
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/api') {
      socket.destroy()
      return
    }
    if (options.token && !sameToken(url.searchParams.get('token'), options.token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const page = bindPageSocket(ws, (method, input) => options.core.invoke(method, input), log)
      pages.add(page)
      ws.on('close', () => pages.delete(page))
      ws.on('error', (error) => log(`page socket: ${error.message}`))
    })
  })
  const stopEvents = options.core.onEvent((name, payload) => {
    for (const page of pages) page.sendEvent(name, payload)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}/`,
    server,
    async close() {
      stopEvents()
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
