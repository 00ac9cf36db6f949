// A page's api socket as the bench's clients use it: the host's own Origin and
// the session cookie from the page load, birpc call frames, replies matched by
// id. Plain `ws`, so thousands of calls cost the client next to nothing.
import WebSocket from 'ws'
import type { ApiResult } from '../../shared/api/index.ts'

/**
 * What a wall screen on the overview asks, in turn: the status bar's `app.status` and the
 * overview's dashboards over the last 90 days of the demo data (which ends 2026-11-01), in the
 * organisation's zone (America/Detroit, the rollups' zone), as a screen in its office asks.
 */
export const OVERVIEW_CALLS = [
  ['app.status', {}],
  [
    'kpis.dashboard',
    {
      filters: {
        range: {
          preset: 'custom',
          from: '2026-08-03',
          to: '2026-11-01',
          timeZone: 'America/Detroit',
        },
      },
      dashboards: ['leadResponse', 'trends', 'conversion'],
    },
  ],
] as const

export interface ApiClient {
  /** Sends one call and resolves with its result and how long it took, in ms. */
  call(method: string, input: unknown): Promise<{ result: ApiResult<unknown>; ms: number }>
  /** Calls sent and not yet answered. */
  readonly outstanding: number
  close(): void
}

/** The session cookie (`wf_session=…`) the host sets with its page. */
export async function sessionCookie(hostUrl: string): Promise<string> {
  const page = await fetch(hostUrl)
  await page.arrayBuffer()
  const set = page.headers.get('set-cookie')
  if (!set) throw new Error(`no session cookie from ${hostUrl} (status ${page.status})`)
  return set.split(';')[0] as string
}

export function connectApi(hostUrl: string, cookie: string): Promise<ApiClient> {
  const ws = new WebSocket(`${hostUrl.replace(/^http/, 'ws')}api`, {
    origin: new URL(hostUrl).origin,
    headers: { cookie },
  })
  const pending = new Map<string, (result: ApiResult<unknown>) => void>()
  let next = 0
  ws.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString('utf8')) as {
      t?: string
      i?: string
      r?: ApiResult<unknown>
    }
    if (frame.t !== 's' || frame.i === undefined) return // an event
    const settle = pending.get(frame.i)
    pending.delete(frame.i)
    settle?.(
      frame.r ?? { ok: false, error: { code: 'internal', message: 'a reply without a result' } },
    )
  })
  ws.on('close', () => {
    for (const settle of pending.values())
      settle({ ok: false, error: { code: 'unavailable', message: 'the socket closed' } })
    pending.clear()
  })
  return new Promise((resolve, reject) => {
    ws.once('error', reject)
    ws.once('open', () =>
      resolve({
        call(method, input) {
          const id = String((next += 1))
          const started = performance.now()
          return new Promise((settle) => {
            pending.set(id, (result) => settle({ result, ms: performance.now() - started }))
            ws.send(JSON.stringify({ t: 'q', i: id, m: 'invoke', a: [method, input] }))
          })
        },
        get outstanding() {
          return pending.size
        },
        close: () => ws.close(),
      }),
    )
  })
}
