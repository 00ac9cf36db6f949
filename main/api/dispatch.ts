import {
  ApiError,
  type ApiResult,
  type MethodName,
  methodNames,
  methods,
} from '../../shared/api/index.ts'
import type { CoreContext } from './context.ts'
import type { Handler, HandlerMap } from './handlers/types.ts'

export type Dispatch = (method: unknown, input: unknown) => Promise<ApiResult<unknown>>

const isMethod = (m: unknown): m is MethodName =>
  typeof m === 'string' && (methodNames as string[]).includes(m)

/**
 * The core's boundary: every call arrives as unknown values, is checked
 * against the contract, and answers with a result value. Nothing a caller
 * sends can throw out of here or take the core down.
 */
export function createDispatcher(
  handlers: HandlerMap,
  ctx: CoreContext,
  log: (line: string) => void = () => {},
  onDamagedCache: () => void = () => {},
): Dispatch {
  return async (method, input) => {
    if (!isMethod(method)) {
      return {
        ok: false,
        error: {
          code: 'unknown_method',
          message: `unknown api method ${JSON.stringify(method)?.slice(0, 80) ?? String(method)}`,
        },
      }
    }
    const parsed = methods[method].input.safeParse(input ?? {})
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || '(input)',
        message: i.message,
      }))
      return {
        ok: false,
        error: {
          code: 'bad_request',
          message: `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          issues,
        },
      }
    }
    try {
      const handler = handlers[method] as Handler<MethodName>
      return { ok: true, value: await handler(parsed.data, ctx) }
    } catch (error) {
      // A handler's refusal with a code of the contract (a conflict, a bad table name).
      if (error instanceof ApiError)
        return { ok: false, error: { code: error.code, message: error.message } }
      log(`api ${method} failed: ${(error as Error).stack ?? String(error)}`)
      const code = (error as { code?: unknown }).code
      if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
        onDamagedCache()
        return {
          ok: false,
          error: {
            code: 'internal',
            message:
              'The cache is damaged. Restart Watchfloor: it moves the damaged file aside and rebuilds the cache.',
          },
        }
      }
      return {
        ok: false,
        error: { code: 'internal', message: `${method} failed: ${(error as Error).message}` },
      }
    }
  }
}
