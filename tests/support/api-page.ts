// A page's api socket as the integration tests drive it: each call answered by
// its call id, and the payloads of one event (export.progress,
// maintenance.progress) kept in the order they came.
import type { ApiResult } from '../../shared/api/index.ts'
import { callFrame, type ApiSocket } from './host-client.ts'

export interface ApiPage<E> {
  readonly socket: ApiSocket
  call<T>(method: string, input: unknown): Promise<ApiResult<T>>
  /** Sends a frame as given (an oversize one) and resolves with the reply to `id`. */
  raw(id: string, frame: string): Promise<ApiResult<unknown>>
  /** The payloads of the page's event, as they came. */
  readonly events: E[]
  close(): void
}

/** Reads `socket` until it closes: replies go to their calls, `event`'s payloads to `events`. */
export function apiPage<E>(socket: ApiSocket, event: string): ApiPage<E> {
  const replies = new Map<string, (r: ApiResult<unknown>) => void>()
  const events: E[] = []
  let n = 0
  void (async () => {
    while (!socket.closed()) {
      const frame = await socket.next()
      if (frame.t === 's' && typeof frame.i === 'string') {
        replies.get(frame.i)?.(frame.r as ApiResult<unknown>)
        replies.delete(frame.i)
      } else if (frame.m === 'event') {
        const [name, payload] = frame.a as [string, unknown]
        if (name === event) events.push(payload as E)
      }
    }
  })()
  const raw = (id: string, frame: string) =>
    new Promise<ApiResult<unknown>>((resolve) => {
      replies.set(id, resolve)
      socket.ws.send(frame)
    })
  return {
    socket,
    events,
    raw,
    call: <T>(method: string, input: unknown) => {
      const id = `c${++n}`
      return raw(id, callFrame(id, method, input)) as Promise<ApiResult<T>>
    },
    close: () => socket.ws.close(),
  }
}

/** A call's value; throws with the error's code and message when it failed. */
export function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}
