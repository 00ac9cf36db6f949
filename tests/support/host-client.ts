// A client of the browser host as a page (or an attacker) speaks to it: the
// page load that hands out the session cookie, and a raw api socket whose
// frames are sent exactly as given.
import WebSocket from 'ws'
import type { ApiResult } from '../../shared/api/index.ts'

/** `wf_session=…` from the page's Set-Cookie; throws when the page set none. */
export async function pageCookie(url: string, init: RequestInit = {}): Promise<string> {
  const page = await fetch(url, { redirect: 'manual', ...init })
  const set = page.headers.get('set-cookie')
  if (!set) throw new Error(`no session cookie from ${url} (status ${page.status})`)
  return set.split(';')[0] as string
}

export interface ApiSocket {
  readonly ws: WebSocket
  /** The next frame from the host (a reply or an event). */
  readonly next: () => Promise<Record<string, unknown>>
  readonly closed: () => boolean
  /** Close code and reason once closed. */
  readonly closeInfo: () => { code: number; reason: string } | null
}

export interface SocketOptions {
  readonly cookie?: string
  /** The Origin header; a page's own by default when a cookie is given. */
  readonly origin?: string | null
  readonly headers?: Record<string, string>
  /** Appended to the URL, e.g. `?token=…`. */
  readonly query?: string
}

/** The HTTP status an upgrade was refused with. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with ${status}`)
  }
}

export function openApiSocket(hostUrl: string, options: SocketOptions = {}): Promise<ApiSocket> {
  const origin =
    options.origin === undefined
      ? options.cookie
        ? new URL(hostUrl).origin
        : undefined
      : (options.origin ?? undefined)
  const ws = new WebSocket(`${hostUrl.replace('http', 'ws')}api${options.query ?? ''}`, {
    ...(origin !== undefined ? { origin } : {}),
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
  })
  const queue: Record<string, unknown>[] = []
  const waiters: ((m: Record<string, unknown>) => void)[] = []
  let info: { code: number; reason: string } | null = null
  ws.on('close', (code, reason) => (info = { code, reason: reason.toString() }))
  ws.on('message', (data) => {
    const msg = JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as Record<string, unknown>
    const w = waiters.shift()
    if (w) w(msg)
    else queue.push(msg)
  })
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      reject(new UpgradeRefused(res.statusCode ?? 0))
      ws.terminate()
    })
    ws.once('error', reject)
    ws.once('open', () =>
      resolve({
        ws,
        next: () => {
          const m = queue.shift()
          return m ? Promise.resolve(m) : new Promise((r) => waiters.push(r))
        },
        closed: () => info !== null,
        closeInfo: () => info,
      }),
    )
  })
}

/** A birpc call frame. */
export const callFrame = (id: string, method: unknown, input: unknown): string =>
  JSON.stringify({ t: 'q', i: id, m: 'invoke', a: [method, input] })

/**
 * A client of the host's api as a page is one: the session cookie, then calls on the socket,
 * each answered by id (events such as data.changed may arrive between a call and its answer).
 */
export class HostApi {
  private n = 0
  protected constructor(private readonly socket: ApiSocket) {}

  static async open(url: string): Promise<HostApi> {
    return new HostApi(await openApiSocket(url, { cookie: await pageCookie(url) }))
  }

  async call<T>(method: string, input: unknown): Promise<T> {
    const id = `call-${this.n++}`
    this.socket.ws.send(callFrame(id, method, input))
    for (;;) {
      const frame = await this.socket.next()
      if (frame.i !== id) continue
      const result = frame.r as ApiResult<T>
      if (!result.ok) throw new Error(`${method}: ${result.error.message}`)
      return result.value
    }
  }

  close(): void {
    this.socket.ws.close()
  }
}
