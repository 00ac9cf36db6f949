// `rules.*` (issue 13): the alert rules, listed for every screen and changed by an admin (the
// host refuses the writes over the LAN: main/host/admin-calls.ts). The store
// (main/alerts/rules-store.ts) checks each rule and tells the engine of every change; a refusal
// is its sentence, answered as a bad request (a full table as a conflict).
import { ApiError } from '../../../shared/api/index.ts'
import { ensureDefaultRules } from '../../alerts/default-rules.ts'
import {
  RuleRefusal,
  deleteRule,
  listRules,
  saveRule,
  setRuleEnabled,
} from '../../alerts/rules-store.ts'
import type { CoreContext } from '../context.ts'
import type { HandlerModule } from './types.ts'

/** Runs a store call; its refusal becomes the api's error with the same sentence. */
function refusing<T>(act: () => T): T {
  try {
    return act()
  } catch (error) {
    if (error instanceof RuleRefusal)
      throw new ApiError({
        code: error.reason === 'limit' ? 'conflict' : 'bad_request',
        message: error.message,
      })
    throw error
  }
}

/**
 * The defaults go into a cache's empty rule table the first time its rules are used (the core
 * seeds at start too); a read-only connection leaves that to the core.
 */
const seeded = (ctx: CoreContext): void => {
  if (!ctx.db.readonly) ensureDefaultRules(ctx.db, ctx.clock().getTime())
}

export const ruleHandlers = {
  'rules.list': (_input, ctx) => {
    seeded(ctx)
    return listRules(ctx.db)
  },
  'rules.save': (input, ctx) => {
    seeded(ctx)
    return refusing(() => saveRule(ctx.db, input, ctx.clock().getTime()))
  },
  'rules.delete': (input, ctx) => {
    seeded(ctx)
    return refusing(() => deleteRule(ctx.db, input.id))
  },
  'rules.setEnabled': (input, ctx) => {
    seeded(ctx)
    return refusing(() => setRuleEnabled(ctx.db, input.id, input.enabled, ctx.clock().getTime()))
  },
} satisfies HandlerModule
