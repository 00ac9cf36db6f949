import { createBirpc } from 'birpc'
import type { WebSocket } from 'ws'
import { z } from 'zod'
import {
  type ApiResult,
  MAX_REQUEST_DEPTH,
  maxRequestBytesFor,
  nestsDeeperThan,
} from '../../shared/api/index.ts'
import type { ConnectionCalls } from './call-scheduler.ts'

/** Replies a page has not read past this many bytes close its socket: it is not keeping up. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/** What the host serves to each page: one function, validated in the core. */
export interface PageServerFunctions {
  invoke(method: unknown, input: unknown): Promise<ApiResult<unknown>>
}
export interface PageClientFunctions {
  event(name: string, payload: unknown): void
}

// birpc's request frame. Anything else from a page is dropped before birpc.
const requestFrame = z.object({
  t: z.literal('q'),
  i: z.string().max(64).optional(),
  m: z.string().max(128),
  a: z.array(z.unknown()).max(2),
  o: z.boolean().optional(),
})

function failure(
  id: string,
  code: 'bad_request' | 'payload_too_large' | 'unknown_method',
  message: string,
) {
  return JSON.stringify({ t: 's', i: id, r: { ok: false, error: { code, message } } })
}

/**
 * Binds one page's socket to the core. Oversized and malformed frames are
 * answered with a typed error when they carry a call id, and dropped when
 * they do not; the socket and the host keep serving either way.
 */
export function bindPageSocket(
  ws: WebSocket,
  calls: ConnectionCalls,
  log: (line: string) => void,
  maxBufferedBytes = MAX_BUFFERED_BYTES,
) {
  const send = (data: string) => {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > maxBufferedBytes) {
      log('page socket: closed a client that does not read its replies')
      ws.close(1008, 'replies are not being read')
      return
    }
    ws.send(data)
  }
  const rpc = createBirpc<PageClientFunctions, PageServerFunctions>(
    { invoke: (method, input) => calls.call(method, input) },
    {
      post: send,
      on: (fn) => {
        ws.on('message', (raw, isBinary) => {
          const text = isBinary ? '' : Buffer.from(raw as Buffer).toString('utf8')
          let frame: unknown
          try {
            frame = JSON.parse(text)
          } catch {
            log('page socket: dropped a frame that is not JSON')
            return
          }
          const id =
            typeof frame === 'object' &&
            frame !== null &&
            'i' in frame &&
            typeof frame.i === 'string'
              ? frame.i.slice(0, 64)
              : undefined
          // export.start may carry the page's chart SVGs; every other method keeps the small limit.
          const method =
            typeof frame === 'object' && frame !== null && 'a' in frame && Array.isArray(frame.a)
              ? (frame.a as unknown[])[0]
              : undefined
          const limit = maxRequestBytesFor(method)
          if (Buffer.byteLength(text) > limit) {
            if (id)
              send(
                failure(
                  id,
                  'payload_too_large',
                  `${typeof method === 'string' ? `${method.slice(0, 64)} requests are` : 'requests are'} limited to ${limit} bytes`,
                ),
              )
            return
          }
          if (nestsDeeperThan(frame, MAX_REQUEST_DEPTH)) {
            if (id)
              send(
                failure(
                  id,
                  'bad_request',
                  `the request nests deeper than ${MAX_REQUEST_DEPTH} levels`,
                ),
              )
            return
          }
          const parsed = requestFrame.safeParse(frame)
          if (!parsed.success) {
            if (id) send(failure(id, 'bad_request', 'malformed request frame'))
            return
          }
          if (parsed.data.m !== 'invoke') {
            if (id)
              send(
                failure(id, 'unknown_method', `unknown function ${JSON.stringify(parsed.data.m)}`),
              )
            return
          }
          fn(parsed.data)
        })
      },
      serialize: (v) => JSON.stringify(v),
      deserialize: (v: unknown) => v,
      eventNames: ['event'],
      timeout: -1,
      onGeneralError: (error) => {
        log(`page socket: ${error.message}`)
        return true
      },
    },
  )
  ws.on('close', () => {
    // Calls not yet in the core never reach it.
    calls.close()
    rpc.$close()
  })
  return {
    sendEvent: (name: string, payload: unknown) => {
      if (ws.readyState === ws.OPEN) void rpc.event(name, payload)
    },
  }
}
