import {
  ApiError,
  type ApiResult,
  type Caller,
  DESKTOP_CALLER,
  METHOD_ROLES,
  type MethodName,
  TOKEN_REVOKED_MESSAGE,
  callerSchema,
  methodNames,
  methods,
  refusalFor,
  roleAllows,
} from '../../shared/api/index.ts'
import { isAudited, recordAudit, type AuditRecord } from '../access/audit.ts'
import { LAST_USED_RESOLUTION_MS, tokenRoleInUse, touchToken } from '../access/tokens.ts'
import type { CoreContext } from './context.ts'
import type { Handler, HandlerMap } from './handlers/types.ts'

/**
 * One call into the core. `caller` is who makes it (shared/api/roles.ts Caller), as the
 * transport that carried it says: the browser host names the page's role; the Electron shell
 * and the CLI, which serve the person at this machine, may leave it out (DESKTOP_CALLER, admin).
 */
export type Dispatch = (
  method: unknown,
  input: unknown,
  caller?: unknown,
) => Promise<ApiResult<unknown>>

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
  // The audit log must never take a call down with it: a failed write is logged.
  const audit = (record: Omit<AuditRecord, 'at'>) => {
    try {
      recordAudit(ctx.db, { ...record, at: ctx.clock().getTime() })
    } catch (error) {
      log(`audit log: could not record ${record.method}: ${(error as Error).message}`)
    }
  }
  /** When each token's use was last written (touchToken). */
  const touched = new Map<number, number>()
  const forbidden = (caller: Caller, method: string, input: unknown, message: string) => {
    audit({ caller, method, input, outcome: 'forbidden', message })
    return { ok: false as const, error: { code: 'forbidden' as const, message } }
  }
  return async (method, input, callerInput) => {
    if (!isMethod(method)) {
      return {
        ok: false,
        error: {
          code: 'unknown_method',
          message: `unknown api method ${JSON.stringify(method)?.slice(0, 80) ?? String(method)}`,
        },
      }
    }
    // Who calls, before anything else: a refused call is not even parsed.
    const who = callerSchema.safeParse(callerInput ?? DESKTOP_CALLER)
    if (!who.success) {
      log(`api ${method}: refused a call that did not say who makes it`)
      return {
        ok: false,
        error: { code: 'forbidden', message: 'The call did not say who makes it.' },
      }
    }
    let caller = who.data
    if (caller.tokenId !== undefined) {
      // The token table is the truth: a token revoked after its screen opened stops here at
      // once, whichever process revoked it (the settings screen, `watchfloor token revoke`).
      const role = tokenRoleInUse(ctx.db, caller.tokenId)
      if (role === null) return forbidden(caller, method, input, TOKEN_REVOKED_MESSAGE)
      caller = { ...caller, role }
    }
    if (!roleAllows(caller.role, METHOD_ROLES[method]))
      return forbidden(caller, method, input, refusalFor(method))
    if (caller.tokenId !== undefined) {
      // A write at most once a minute per token, not one per call.
      const now = ctx.clock().getTime()
      const last = touched.get(caller.tokenId)
      if (last === undefined || now - last >= LAST_USED_RESOLUTION_MS) {
        touched.set(caller.tokenId, now)
        try {
          touchToken(ctx.db, caller.tokenId, now)
        } catch (error) {
          log(`tokens: could not note a use: ${(error as Error).message}`)
        }
      }
    }
    const audited = isAudited(method)
    const parsed = methods[method].input.safeParse(input ?? {})
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || '(input)',
        message: i.message,
      }))
      const message = `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
      if (audited) audit({ caller, method, input, outcome: 'error', message })
      return { ok: false, error: { code: 'bad_request', message, issues } }
    }
    try {
      const handler = handlers[method] as Handler<MethodName>
      const value = await handler(parsed.data, ctx, caller)
      if (audited) audit({ caller, method, input: parsed.data, outcome: 'ok' })
      return { ok: true, value }
    } catch (error) {
      if (audited)
        audit({
          caller,
          method,
          input: parsed.data,
          outcome: 'error',
          message: (error as Error).message,
        })
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
