import { createBirpc } from 'birpc'
import type { WebSocket } from 'ws'
import { z } from 'zod'
import { type ApiResult, MAX_REQUEST_BYTES } from '../../shared/api/index.ts'

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
  invoke: PageServerFunctions['invoke'],
  log: (line: string) => void,
) {
  const safeInvoke: PageServerFunctions['invoke'] = async (method, input) => {
    try {
      return await invoke(method, input)
    } catch (error) {
      return {
        ok: false,
        error: {
          code: 'unavailable',
          message: `the core did not answer: ${(error as Error).message}`,
        },
      }
    }
  }
  const rpc = createBirpc<PageClientFunctions, PageServerFunctions>(
    { invoke: safeInvoke },
    {
      post: (data: string) => {
        if (ws.readyState === ws.OPEN) ws.send(data)
      },
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
          if (Buffer.byteLength(text) > MAX_REQUEST_BYTES) {
            if (id)
              ws.send(
                failure(
                  id,
                  'payload_too_large',
                  `requests are limited to ${MAX_REQUEST_BYTES} bytes`,
                ),
              )
            return
          }
          const parsed = requestFrame.safeParse(frame)
          if (!parsed.success) {
            if (id) ws.send(failure(id, 'bad_request', 'malformed request frame'))
            return
          }
          if (parsed.data.m !== 'invoke') {
            if (id)
              ws.send(
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
  ws.on('close', () => rpc.$close())
  return {
    sendEvent: (name: string, payload: unknown) => {
      if (ws.readyState === ws.OPEN) void rpc.event(name, payload)
    },
  }
}
